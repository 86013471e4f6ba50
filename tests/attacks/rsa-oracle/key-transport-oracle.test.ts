// Bleichenbacher's RSA PKCS#1 v1.5 padding oracle (CRYPTO 1998) and its timing form, Marvin
// (Kario 2023, CVE-2023-46809; RFC 3218 section 2.3); row E5 of ../shared/notes/smime-stack.md
// section 4. An attacker who learns, for chosen ciphertexts, whether the padding was valid can
// decrypt a key transport. 1000 malformed PKCS#1 v1.5 key-transport ciphertexts (random, wrong
// first bytes, no separator, padding too short, a key of the wrong length, valid padding around a
// wrong key, ciphertexts of the wrong length) and OAEP ones go into the KeyTransRecipientInfo of
// one message for a soft key. Asserted: every one reads to the identical outcome, the generic
// 'decryption-failed' with nothing shown. The content cipher is AES-GCM, so the random key of
// implicit rejection fails its tag every time instead of, 1 in 256, passing a CBC padding check.
// Timing is NOT asserted here (far too noisy in a test); a benchmark could compare the two.
import crypto from 'node:crypto';
import fs from 'node:fs';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { encryptMessage, type ReadResult } from '@/lib/smime';

import { type AttackPki, PAYMENT, attackPki, pkcs7Der, pkcs7Message } from '../support/attack-messages';
import { reencodedWith } from '../support/envelope-fields';

let p: AttackPki;
let publicKey: crypto.KeyObject;
let k: number;
beforeAll(() => {
  p = attackPki('sealpost-rsa-oracle-');
  publicKey = crypto.createPublicKey(fs.readFileSync(p.bob.certPath));
  k = (publicKey.asymmetricKeyDetails!.modulusLength! + 7) >> 3;
});
afterAll(() => p?.pki.cleanup());

const GENERIC = [{ code: 'decryption-failed', message: 'The message could not be decrypted.' }];

/** Raw RSA (m^e mod n) of a k-byte block, from OpenSSL through node: any padding, or none. */
const rawRsa = (em: Uint8Array) => new Uint8Array(crypto.publicEncrypt({ key: publicKey, padding: crypto.constants.RSA_NO_PADDING }, em));
const nonZero = (length: number) => Uint8Array.from(crypto.randomBytes(length), (b) => b || 1);
/** 00 02 PS 00 M with the given header bytes, padding length and message. */
function pkcs1Block(message: Uint8Array, { first = 0, second = 2, separator = true }: { first?: number; second?: number; separator?: boolean } = {}): Uint8Array {
  const em = new Uint8Array(k);
  em[0] = first;
  em[1] = second;
  if (!separator) em.set(nonZero(k - 2), 2);
  else {
    em.set(nonZero(k - 3 - message.length), 2);
    em.set(message, k - message.length);
  }
  return em;
}

/** What the user and any backchannel could observe: everything but the bytes of the ciphertext itself. */
const outcome = ({ report }: ReadResult) =>
  JSON.stringify({
    errors: report.errors,
    signed: report.signed,
    text: report.text,
    integrity: report.encryptionIntegrity,
    layers: report.layers.map((l) => ({ kind: l.kind, errors: l.errors, cipher: l.contentCipher ?? null })),
    attachments: report.attachments.map((a) => a.contentType),
  });

async function outcomesOf(der: Uint8Array, ciphertexts: [string, Uint8Array][]): Promise<Map<string, string[]>> {
  const byOutcome = new Map<string, string[]>();
  for (const [label, encryptedKey] of ciphertexts) {
    const result = await p.read(pkcs7Message(reencodedWith(der, { encryptedKey }), 'authEnveloped-data'));
    byOutcome.set(outcome(result), [...(byOutcome.get(outcome(result)) ?? []), label]);
  }
  return byOutcome;
}

describe('E5: Bleichenbacher / Marvin', () => {
  it('1000 malformed PKCS#1 v1.5 key transports all give the identical generic failure', async () => {
    const der = pkcs7Der(await encryptMessage(PAYMENT, [p.certificate(p.bob)], { cipher: 'aes-256-gcm', rsaPadding: 'pkcs1v15' }));
    // Control: the untouched message opens.
    expect((await p.read(pkcs7Message(der, 'authEnveloped-data'))).report).toMatchObject({ errors: [], text: 'Pay Bob 10 euros.\r\n' });

    const cek = () => new Uint8Array(crypto.randomBytes(32));
    const cases: [string, Uint8Array][] = [];
    const add = (count: number, label: string, make: (i: number) => Uint8Array) => {
      for (let i = 0; i < count; i++) cases.push([`${label} #${i}`, make(i)]);
    };
    add(200, 'random', () => new Uint8Array(crypto.randomBytes(k)));
    const headers = [[0, 0], [0, 1], [0, 3], [1, 2], [2, 0], [0, 0x82], [1, 1], [0, 0xff]];
    add(200, 'wrong first bytes', (i) => rawRsa(pkcs1Block(cek(), { first: headers[i % headers.length]![0], second: headers[i % headers.length]![1] })));
    add(150, 'no separator', () => rawRsa(pkcs1Block(cek(), { separator: false })));
    add(100, 'padding under 8 bytes', (i) => rawRsa(pkcs1Block(cek(), {}).map((b, j, em) => (j === 2 + (i % 8) ? 0 : j > 2 + (i % 8) && j < k - 32 ? b || 1 : em[j]!))));
    const lengths = [0, 1, 16, 24, 31, 33, 48, 64, k - 11];
    add(150, 'valid padding, key of the wrong length', (i) => rawRsa(pkcs1Block(new Uint8Array(crypto.randomBytes(lengths[i % lengths.length]!)))));
    add(100, 'valid padding, wrong key', () => rawRsa(pkcs1Block(cek())));
    const sizes = [0, 1, 32, 128, k - 1, k + 1, 2 * k];
    add(100, 'ciphertext of the wrong length', (i) => new Uint8Array(crypto.randomBytes(sizes[i % sizes.length]!)));
    expect(cases).toHaveLength(1000);

    const byOutcome = await outcomesOf(der, cases);
    expect([...byOutcome.keys()]).toHaveLength(1);
    const [only] = byOutcome.keys();
    expect(JSON.parse(only!)).toMatchObject({ errors: GENERIC, signed: false, text: '' });
  }, 300_000);

  it('malformed RSA-OAEP key transports give that same generic failure', async () => {
    const der = pkcs7Der(await encryptMessage(PAYMENT, [p.certificate(p.bob)], { cipher: 'aes-256-gcm', rsaPadding: 'oaep', oaepHash: 'SHA-256' }));
    expect((await p.read(pkcs7Message(der, 'authEnveloped-data'))).report.errors).toEqual([]);
    const oaep = (message: Uint8Array, options: { oaepHash?: string; oaepLabel?: Buffer } = {}) =>
      new Uint8Array(crypto.publicEncrypt({ key: publicKey, padding: crypto.constants.RSA_PKCS1_OAEP_PADDING, oaepHash: options.oaepHash ?? 'sha256', oaepLabel: options.oaepLabel }, message));
    const cases: [string, Uint8Array][] = [];
    for (let i = 0; i < 25; i++) {
      cases.push([`random #${i}`, new Uint8Array(crypto.randomBytes(k))]);
      cases.push([`first byte not zero #${i}`, rawRsa(Uint8Array.from(crypto.randomBytes(k), (b, j) => (j === 0 ? 1 + (i % 3) : b)))]);
      cases.push([`OAEP with SHA-1 #${i}`, oaep(new Uint8Array(crypto.randomBytes(32)), { oaepHash: 'sha1' })]);
      cases.push([`OAEP with a label #${i}`, oaep(new Uint8Array(crypto.randomBytes(32)), { oaepLabel: Buffer.from('label') })]);
      cases.push([`key of the wrong length #${i}`, oaep(new Uint8Array(crypto.randomBytes([0, 16, 24, 31, 33][i % 5]!)))]);
      cases.push([`wrong key #${i}`, oaep(new Uint8Array(crypto.randomBytes(32)))]);
      cases.push([`PKCS#1 v1.5 instead #${i}`, rawRsa(pkcs1Block(new Uint8Array(crypto.randomBytes(32))))]);
      cases.push([`wrong length #${i}`, new Uint8Array(crypto.randomBytes([1, k - 1, k + 1][i % 3]!))]);
    }
    const byOutcome = await outcomesOf(der, cases);
    expect([...byOutcome.keys()]).toHaveLength(1);
    expect(JSON.parse([...byOutcome.keys()][0]!)).toMatchObject({ errors: GENERIC, signed: false, text: '' });
  }, 120_000);
});
