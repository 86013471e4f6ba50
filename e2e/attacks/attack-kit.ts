import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

import { type DemoUser, demoPki } from '../support/smime-pki';
import type { RequestRecorder } from '../support/request-recorder';
import { withTempDir } from '../support/temp-dir';

// What the attack specs build their hostile mail from: MIME pieces cut out of openssl's output,
// CMS rewritten in place (an OID swapped, CBC blocks flipped), and a tracker server that counts
// what reaches it. Everything here works on bytes; the specs say what the attack is.

/** The header block and body of a message (its first empty line splits them). */
function splitMessage(raw: Buffer): { head: string; body: string; eol: string } {
  const text = raw.toString('latin1');
  const gap = /\r?\n\r?\n/.exec(text);
  if (!gap) throw new Error('no header/body split');
  return { head: text.slice(0, gap.index), body: text.slice(gap.index + gap[0].length), eol: gap[0].startsWith('\r') ? '\r\n' : '\n' };
}

/**
 * The message's top entity as a MIME part for another message: its Content-* header fields (with
 * their folded lines) and its body, byte for byte, so a signature over it still holds.
 */
export function entityOf(raw: Buffer): string {
  const { head, body, eol } = splitMessage(raw);
  const fields = head.split(/\r?\n(?![ \t])/).filter((f) => /^Content-/i.test(f));
  return `${fields.join(eol)}${eol}${eol}${body}`;
}

/** A multipart entity of these parts (each a full entity: header fields, empty line, body). */
export function multipart(subtype: string, boundary: string, parts: string[], params = ''): string {
  const body = parts.map((p) => `--${boundary}\r\n${p.replace(/\r?\n$/, '')}\r\n`).join('');
  return `Content-Type: multipart/${subtype}; boundary="${boundary}"${params}\r\n\r\n${body}--${boundary}--\r\n`;
}

/** A top-level message around an entity. */
export function messageOf({ from, to, subject, entity }: { from: string; to: string; subject: string; entity: string }): Buffer {
  return Buffer.from(`From: ${from}\r\nTo: ${to}\r\nSubject: ${subject}\r\nMIME-Version: 1.0\r\n${entity}`, 'latin1');
}

/** `openssl cms -encrypt` to a demo user with the cipher asked (GCM gives AuthEnvelopedData, RFC 5083). */
export async function encryptTo(
  recipient: DemoUser,
  entity: string,
  { subject, from, cipher }: { subject: string; from: string; cipher: 'aes-256-cbc' | 'aes-256-gcm' },
): Promise<Buffer> {
  const user = (await demoPki()).users[recipient]!;
  return withTempDir((dir) => {
    const file = path.join(dir, 'entity');
    fs.writeFileSync(file, entity, 'latin1');
    return execFileSync('openssl', ['cms', '-encrypt', `-${cipher}`, '-in', file, '-from', from, '-to', user.email, '-subject', subject, user.cert]);
  });
}

/** `openssl cms -decrypt` with the demo user's key: the plaintext an independent client would get. */
export async function opensslDecrypt(recipient: DemoUser, raw: Buffer): Promise<Buffer> {
  const user = (await demoPki()).users[recipient]!;
  return withTempDir((dir) => {
    const file = path.join(dir, 'message');
    fs.writeFileSync(file, raw);
    return execFileSync('openssl', ['cms', '-decrypt', '-in', file, '-inkey', user.key, '-recip', user.cert], { stdio: ['ignore', 'pipe', 'pipe'] });
  });
}

/** The DER of an application/pkcs7-mime message (its base64 body). */
export function cmsDer(raw: Buffer): Buffer {
  return Buffer.from(splitMessage(raw).body.replace(/[^A-Za-z0-9+/=]/g, ''), 'base64');
}

/** The same message with its CMS replaced (base64 in lines of 64, as OpenSSL writes). */
export function withCmsDer(raw: Buffer, der: Buffer): Buffer {
  const { head, eol } = splitMessage(raw);
  return Buffer.from(head + eol + eol + (der.toString('base64').match(/.{1,64}/g) ?? []).join(eol) + eol, 'latin1');
}

/** Swaps one DER-encoded OID for another of the same length, in place; it must occur exactly once. */
export function swapOid(der: Buffer, fromHex: string, toHex: string): Buffer {
  const hex = der.toString('hex');
  if (hex.split(fromHex).length !== 2) throw new Error(`OID ${fromHex} does not occur exactly once`);
  return Buffer.from(hex.replace(fromHex, toHex), 'hex');
}

/**
 * CBC malleability (EFAIL): P[j] = D(C[j]) xor C[j-1], so xoring C[j-1] with P[j] xor X makes
 * block j read X, and block j-1 decrypts to garbage. `plaintext` is the known original; the
 * ciphertext is the last bytes of the EnvelopedData (encryptedContent is its last field),
 * checked by the primitive [0] length in front of it.
 */
export function flipCbcBlocks(der: Buffer, plaintext: Buffer, chosen: Map<number, string>): Buffer {
  const cipherLength = (Math.floor(plaintext.length / 16) + 1) * 16;
  const start = der.length - cipherLength;
  const lengthBytes = cipherLength < 128 ? [cipherLength] : cipherLength < 256 ? [0x81, cipherLength] : [0x82, cipherLength >> 8, cipherLength & 0xff];
  if (!der.subarray(start - lengthBytes.length - 1, start).equals(Buffer.from([0x80, ...lengthBytes]))) throw new Error('encryptedContent is not where expected');
  const out = Buffer.from(der);
  for (const [block, text] of chosen) {
    if (text.length !== 16 || block < 1) throw new Error('a chosen block is 16 bytes, after block 0');
    const wanted = Buffer.from(text, 'latin1');
    for (let i = 0; i < 16; i++) out[start + (block - 1) * 16 + i]! ^= plaintext[block * 16 + i]! ^ wanted[i]!;
  }
  return out;
}

export { type Tracker, startTracker } from '../support/tracker';

/** Requests recorded since `from` (an index into the recorder) that left the app's own origin. */
export async function foreignRequests(recorder: RequestRecorder, appOrigin: string, from = 0): Promise<string[]> {
  await recorder.settle();
  // data: and blob: URLs never reach a network; everything else must be the app's own origin.
  return recorder.requests
    .slice(from)
    .map((r) => r.url)
    .filter((url) => !/^(data|blob):/i.test(url) && new URL(url).origin !== appOrigin);
}
