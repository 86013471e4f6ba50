// RSAES-PKCS1-v1_5 (RFC 8017 section 7.2): the key transport Outlook and OpenSSL use by default,
// which WebCrypto lacks. Decryption never tells a good padding from a bad one (Bleichenbacher,
// Marvin): the padding is checked without early exits, and on any failure a random key of the
// expected length comes back instead ("implicit rejection", RFC 3218 section 2.3), so the failure
// surfaces later as the same generic content-decryption error as any other wrong key.
import { SmimeError } from '../errors';
import { bigIntToBytes, byteLength, bytesToBigInt, modPow } from './big-int-bytes';
import type { RsaPrivateKey, RsaPublicKey } from './rsa-key';
import { type RandomBytes, rsaPrivateOperation, webRandom } from './rsa-private-operation';

/** At least eight bytes of non-zero padding (RFC 8017 section 7.2.1). */
const MIN_PADDING = 8;

/**
 * EME-PKCS1-v1_5 decoding of EM (k bytes) for a message of exactly `expected` bytes, without
 * branches on secret data: 1 when EM = 00 02 PS(>= 8 non-zero) 00 M with |M| = expected, else 0.
 */
export function emeValid(em: Uint8Array, expected: number): number {
  const k = em.length;
  let good = ((em[0]! ^ 0x00) | (em[1]! ^ 0x02)) === 0 ? 1 : 0;
  // Index of the first zero byte after the 02, found by scanning every byte.
  let zeroIndex = 0;
  let found = 0;
  for (let i = 2; i < k; i++) {
    const isZero = em[i] === 0 ? 1 : 0;
    const first = isZero & (found ^ 1);
    zeroIndex |= -first & i;
    found |= isZero;
  }
  good &= found;
  good &= zeroIndex >= 2 + MIN_PADDING ? 1 : 0;
  good &= k - zeroIndex - 1 === expected ? 1 : 0;
  return good;
}

/**
 * Decrypts a key-transport ciphertext to a content-encryption key of `keyLength` bytes. A wrong
 * padding or length gives a random key of that length, never an error.
 */
export function rsaesPkcs1v15DecryptKey(key: RsaPrivateKey, ciphertext: Uint8Array, keyLength: number, random: RandomBytes = webRandom): Uint8Array {
  const k = byteLength(key.n);
  // The length and range of the ciphertext are public: refusing them reveals nothing secret.
  if (ciphertext.length !== k) throw new SmimeError('malformed-ciphertext', `RSA ciphertext of ${ciphertext.length} bytes for a ${k}-byte key`);
  const c = bytesToBigInt(ciphertext);
  if (c >= key.n) throw new SmimeError('malformed-ciphertext', 'RSA ciphertext out of range');
  if (keyLength < 1 || keyLength > k - 11) throw new RangeError(`cannot transport a ${keyLength}-byte key with a ${k}-byte RSA key`);
  const em = bigIntToBytes(rsaPrivateOperation(key, c, random), k);
  const valid = emeValid(em, keyLength);
  const fallback = random(keyLength);
  // Pick, byte by byte, the decrypted key or the random one, without a branch on `valid`.
  const mask = -valid & 0xff;
  const out = new Uint8Array(keyLength);
  for (let i = 0; i < keyLength; i++) out[i] = (em[k - keyLength + i]! & mask) | (fallback[i]! & ~mask & 0xff);
  return out;
}

/** Encrypts `message` (at most k - 11 bytes) to a public key: random non-zero padding. */
export function rsaesPkcs1v15Encrypt(key: RsaPublicKey, message: Uint8Array, random: RandomBytes = webRandom): Uint8Array {
  const k = byteLength(key.n);
  if (message.length > k - 11) throw new SmimeError('message-too-long', `${message.length} bytes do not fit a ${k}-byte RSA key`);
  const ps = new Uint8Array(k - message.length - 3);
  for (let filled = 0; filled < ps.length; ) {
    for (const b of random(ps.length)) if (b !== 0 && filled < ps.length) ps[filled++] = b;
  }
  const em = new Uint8Array(k);
  em[1] = 0x02;
  em.set(ps, 2);
  em.set(message, k - message.length);
  return bigIntToBytes(modPow(bytesToBigInt(em), key.e, key.n), k);
}
