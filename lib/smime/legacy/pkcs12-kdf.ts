// The PKCS#12 key derivation function (RFC 7292 appendix B.2): keys and IVs for the legacy
// PKCS#12 PBEs (ids 1 and 2) and the key of the PKCS#12 MAC (id 3). Synchronous, over
// @noble/hashes, because WebCrypto has no iterated raw hash.
import { sha1 } from '@noble/hashes/legacy.js';
import { sha256, sha384, sha512 } from '@noble/hashes/sha2.js';

import { SmimeError } from '../errors';
import { LIMITS } from '../limits';
import type { HashName } from '../web-crypto';

/** Hash, output length u and block length v in bytes. */
const HASHES: Record<HashName, { hash: (data: Uint8Array) => Uint8Array; u: number; v: number }> = {
  'SHA-1': { hash: sha1, u: 20, v: 64 },
  'SHA-256': { hash: sha256, u: 32, v: 64 },
  'SHA-384': { hash: sha384, u: 48, v: 128 },
  'SHA-512': { hash: sha512, u: 64, v: 128 },
};

/** 1: encryption key, 2: IV, 3: MAC key (RFC 7292 B.3). */
export type Pkcs12KdfPurpose = 1 | 2 | 3;

/** RFC 7292 B.1: the password as a BMPString (UTF-16 big-endian) with two trailing zero bytes. */
export function bmpPassword(password: string): Uint8Array {
  const bytes = new Uint8Array(password.length * 2 + 2);
  for (let i = 0; i < password.length; i++) {
    const unit = password.charCodeAt(i);
    bytes[2 * i] = unit >> 8;
    bytes[2 * i + 1] = unit & 0xff;
  }
  return bytes;
}

/** The KDF over the password as a BMPString. */
export function pkcs12Kdf(hash: HashName, password: string, salt: Uint8Array, iterations: number, id: Pkcs12KdfPurpose, length: number): Uint8Array {
  return pkcs12KdfBytes(hash, bmpPassword(password), salt, iterations, id, length);
}

/**
 * The KDF over raw password bytes: what `pkcs12Kdf` uses, and the zero-length password some
 * Windows and OpenSSL files were made with when the user gave none.
 */
export function pkcs12KdfBytes(hashName: HashName, password: Uint8Array, salt: Uint8Array, iterations: number, id: Pkcs12KdfPurpose, length: number): Uint8Array {
  if (!Number.isSafeInteger(iterations) || iterations < 1) throw new SmimeError('malformed-cms', 'The key derivation iteration count is not valid.');
  if (iterations > LIMITS.keyDerivationIterations) {
    throw new SmimeError('limit-exceeded', `Key derivation with over ${LIMITS.keyDerivationIterations} iterations is refused.`);
  }
  const { hash, u, v } = HASHES[hashName];
  const stretch = (bytes: Uint8Array) => {
    const out = new Uint8Array(v * Math.ceil(bytes.length / v));
    for (let i = 0; i < out.length; i++) out[i] = bytes[i % bytes.length]!;
    return out;
  };
  // I = S || P, each repeated to a multiple of v bytes (empty stays empty).
  const s = stretch(salt);
  const p = stretch(password);
  const input = new Uint8Array(s.length + p.length);
  input.set(s);
  input.set(p, s.length);
  const diversifier = new Uint8Array(v).fill(id);
  const output = new Uint8Array(length);
  const block = new Uint8Array(v + input.length);
  for (let done = 0; done < length; done += u) {
    block.set(diversifier);
    block.set(input, v);
    let a = hash(block);
    for (let r = 1; r < iterations; r++) a = hash(a);
    output.set(a.subarray(0, Math.min(u, length - done)), done);
    if (done + u >= length) break;
    // I_j = (I_j + B + 1) mod 2^(8v), where B is A repeated to v bytes.
    for (let j = 0; j < input.length; j += v) {
      let carry = 1;
      for (let k = v - 1; k >= 0; k--) {
        const sum = input[j + k]! + a[k % u]! + carry;
        input[j + k] = sum & 0xff;
        carry = sum >> 8;
      }
    }
  }
  return output;
}
