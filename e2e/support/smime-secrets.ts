import { execFileSync } from 'node:child_process';
import { createHash, createPrivateKey } from 'node:crypto';
import fs from 'node:fs';

// The secrets that must never leave the browser (issue 5), in the byte forms a leak could take,
// for e2e/support/request-recorder.ts to search for. The list is open: a spec adds what its flow
// types or loads (passwords, passphrases, exported files, smart-card PINs in smart-card.spec).

export interface Secret {
  /** What it is, for the report: "carol PKCS#12 file", "keystore passphrase"… */
  label: string;
  /**
   * Byte strings whose every 16-byte window is secret (windows of shorter ones: the whole).
   * Only the secret-bearing parts: public bytes that a secret file also holds (a certificate's
   * modulus, an OID, an ASN.1 header) would match legitimate traffic.
   */
  values: Uint8Array[];
}

/**
 * A typed secret (password, passphrase, PIN): its UTF-8 bytes, Latin-1 where it fits, and the
 * UTF-16 forms (big-endian is what PKCS#12's KDF hashes, RFC 7292 B.1).
 */
export function textSecret(label: string, text: string): Secret {
  const utf16be = Buffer.from(text, 'utf16le').swap16();
  const codes = [...text].map((c) => c.codePointAt(0)!);
  const latin1 = codes.every((c) => c <= 0xff) && codes.some((c) => c >= 0x80) ? [Buffer.from(text, 'latin1')] : [];
  return { label, values: [Buffer.from(text, 'utf8'), ...latin1, Buffer.from(text, 'utf16le'), utf16be] };
}

/** DER string types (names, labels): never secret. */
const TEXT_TAGS = new Set([0x0c, 0x12, 0x13, 0x14, 0x16, 0x1a, 0x1e]);

/**
 * A secret file (PKCS#12, PKCS#8): its DER values of at least 16 bytes that are not public:
 * not inside `publicBytes` (certificates), not their SHA-1 or SHA-256 (PKCS#12's localKeyID is
 * the certificate's SHA-1), not a text (friendlyName).
 */
export function derSecret(label: string, der: Uint8Array, publicBytes: Uint8Array[]): Secret {
  const fingerprints = publicBytes.flatMap((pub) => ['sha1', 'sha256'].map((alg) => createHash(alg).update(pub).digest()));
  const isPublic = (leaf: Uint8Array) => publicBytes.some((pub) => Buffer.from(pub).includes(Buffer.from(leaf))) || fingerprints.some((f) => f.equals(leaf));
  const leaves = derLeaves(der)
    .filter((leaf) => leaf.bytes.length >= 16 && !TEXT_TAGS.has(leaf.tag) && !isPublic(leaf.bytes))
    .map((leaf) => leaf.bytes);
  if (leaves.length === 0) throw new Error(`${label}: no secret-bearing DER value found`);
  return { label, values: leaves };
}

/** Raw key material (RSA d, p, q…, an EC private scalar), big-endian without leading zeros. */
export function rawSecret(label: string, bytes: Uint8Array): Secret {
  let start = 0;
  while (start < bytes.length - 1 && bytes[start] === 0) start++;
  return { label, values: [bytes.subarray(start)] };
}

/**
 * The primitive values of a DER structure, descending into OCTET STRINGs and context-tagged
 * primitives that hold DER themselves (PKCS#12's AuthenticatedSafe and SafeContents,
 * PKCS#8's privateKey). Enough of X.690 for the files OpenSSL writes: definite lengths only.
 */
export function derLeaves(der: Uint8Array): { tag: number; bytes: Uint8Array }[] {
  const out: { tag: number; bytes: Uint8Array }[] = [];
  const walk = (bytes: Uint8Array, depth: number): boolean => {
    let at = 0;
    const found: { tag: number; bytes: Uint8Array }[] = [];
    while (at < bytes.length) {
      const tag = bytes[at++]!;
      if ((tag & 0x1f) === 0x1f || at >= bytes.length) return false; // high tag numbers never occur here
      let len = bytes[at++]!;
      if (len === 0x80) return false; // indefinite length: not DER
      if (len > 0x80) {
        const n = len & 0x7f;
        if (n > 4 || at + n > bytes.length) return false;
        len = 0;
        for (let i = 0; i < n; i++) len = len * 256 + bytes[at++]!;
      }
      if (at + len > bytes.length) return false;
      const content = bytes.subarray(at, at + len);
      at += len;
      const constructed = (tag & 0x20) !== 0;
      if (constructed) {
        if (!walk(content, depth + 1)) return false;
      } else if ((tag === 0x04 || (tag & 0xc0) === 0x80) && depth < 12 && content.length >= 2 && content[0] === 0x30 && walk(content, depth + 1)) {
        // An OCTET STRING holding DER: its leaves were collected by the walk.
      } else {
        found.push({ tag, bytes: content });
      }
    }
    out.push(...found);
    return true;
  };
  if (!walk(der, 0)) throw new Error('not DER');
  return out;
}

export interface DemoKeySecrets {
  secrets: Secret[];
  /** PKCS#8 DER of the private key, from `openssl pkcs12 -nocerts -nodes | openssl pkcs8 -topk8 -nocrypt -outform DER`. */
  pkcs8: Buffer;
}

/**
 * A demo user's PKCS#12 file, its password and its private key (PKCS#8 and the raw numbers:
 * RSA d, p, q, dp, dq, qi; EC d), read with OpenSSL from the file itself. `publicBytes` are the
 * certificates anyone may see (the user's and the CAs'), left out of the search.
 */
export function pkcs12Secrets(name: string, p12File: string, password: string, publicBytes: Uint8Array[]): DemoKeySecrets {
  const p12 = fs.readFileSync(p12File);
  const pem = execFileSync('openssl', ['pkcs12', '-in', p12File, '-passin', `pass:${password}`, '-nocerts', '-nodes']);
  const pkcs8 = execFileSync('openssl', ['pkcs8', '-topk8', '-nocrypt', '-outform', 'DER'], { input: pem });
  const jwk = createPrivateKey({ key: pkcs8, format: 'der', type: 'pkcs8' }).export({ format: 'jwk' });
  const numbers = (['d', 'p', 'q', 'dp', 'dq', 'qi'] as const).filter((k) => typeof jwk[k] === 'string');
  if (numbers.length === 0) throw new Error(`${name}: no private numbers in the key`);
  return {
    pkcs8,
    secrets: [
      derSecret(`${name}'s PKCS#12 file`, p12, publicBytes),
      textSecret(`${name}'s PKCS#12 password`, password),
      derSecret(`${name}'s private key (PKCS#8)`, pkcs8, publicBytes),
      ...numbers.map((k) => rawSecret(`${name}'s private key: ${jwk.kty} ${k}`, Buffer.from(jwk[k]!, 'base64url'))),
    ],
  };
}
