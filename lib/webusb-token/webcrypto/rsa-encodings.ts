// What a card key's raw RSA needs around it, computed in the browser: the EMSA-PKCS1-v1_5 and
// EMSA-PSS encodings (RFC 8017 section 9) before the card, the RSAES unpadding after it, PKCS#1
// v1.5 with implicit rejection and OAEP with one outcome flag, both without branches on secret
// bytes.
import { webRandom } from '../../smime/rsa/rsa-private-operation';
import { emeValid } from '../../smime/rsa/rsaes-pkcs1-v1_5';
import type { HashName } from '../../smime/web-crypto';
import { concatBytes } from '../../bytes';
import { TokenError } from '../errors';

/** A hash function (the platform's digest). */
export type Digest = (hash: HashName, data: Uint8Array) => Promise<Uint8Array>;

const HASH_BYTES: Record<HashName, number> = { 'SHA-1': 20, 'SHA-256': 32, 'SHA-384': 48, 'SHA-512': 64 };
/** DER of DigestInfo up to the hash value (RFC 8017 section 9.2, note 1). */
const DIGEST_INFO_PREFIX: Partial<Record<HashName, string>> = {
  'SHA-256': '3031300d060960864801650304020105000420',
  'SHA-384': '3041300d060960864801650304020205000430',
  'SHA-512': '3051300d060960864801650304020305000440',
};

/** SHA-1 signatures are refused (RFC 8551 section 2.1 leaves it to verification of old mail). */
export function signingHash(hash: string): HashName {
  if (!(hash in DIGEST_INFO_PREFIX)) throw new TokenError('unsupported-algorithm', `Card keys do not sign with ${hash}.`);
  return hash as HashName;
}

/** A hash WebCrypto names for RSA-OAEP: SHA-1 stays allowed there (RFC 8017's default). */
export function oaepHash(hash: string): HashName {
  if (!(hash in HASH_BYTES)) throw new TokenError('unsupported-algorithm', `RSA-OAEP with ${hash} is not supported.`);
  return hash as HashName;
}

export function leftPad(bytes: Uint8Array, length: number): Uint8Array {
  const out = new Uint8Array(length);
  out.set(bytes, length - bytes.length);
  return out;
}

/** EMSA-PKCS1-v1_5 (RFC 8017 section 9.2): 00 01 FF..FF 00 DigestInfo, k bytes. */
export function emsaPkcs1v15(hash: Uint8Array, hashName: HashName, k: number): Uint8Array {
  const prefix = DIGEST_INFO_PREFIX[hashName]!;
  const t = concatBytes(new Uint8Array(prefix.match(/../g)!.map((b) => Number.parseInt(b, 16))), hash);
  if (k < t.length + 11) throw new TokenError('invalid-argument', 'The RSA key is too short for this hash.');
  const em = new Uint8Array(k).fill(0xff);
  em[0] = 0x00;
  em[1] = 0x01;
  em[k - t.length - 1] = 0x00;
  em.set(t, k - t.length);
  return em;
}

/** MGF1 (RFC 8017 appendix B.2.1). */
async function mgf1(digest: Digest, seed: Uint8Array, length: number, hash: HashName): Promise<Uint8Array> {
  const blocks: Uint8Array[] = [];
  for (let counter = 0; counter * HASH_BYTES[hash] < length; counter++) {
    const c = new Uint8Array([counter >>> 24, (counter >>> 16) & 0xff, (counter >>> 8) & 0xff, counter & 0xff]);
    blocks.push(await digest(hash, concatBytes(seed, c)));
  }
  return concatBytes(...blocks).subarray(0, length);
}

/** EMSA-PSS-ENCODE (RFC 8017 section 9.1.1) of a message hash, MGF1 with the same hash. */
export async function emsaPss(digest: Digest, mHash: Uint8Array, hash: HashName, saltLength: number, emBits: number): Promise<Uint8Array> {
  const hLen = HASH_BYTES[hash];
  const emLen = Math.ceil(emBits / 8);
  if (!Number.isInteger(saltLength) || saltLength < 0 || emLen < hLen + saltLength + 2) throw new TokenError('invalid-argument', `A ${saltLength}-byte salt does not fit this RSA key.`);
  const salt = webRandom(saltLength);
  const h = await digest(hash, concatBytes(new Uint8Array(8), mHash, salt));
  const db = new Uint8Array(emLen - hLen - 1);
  db[emLen - saltLength - hLen - 2] = 0x01;
  db.set(salt, emLen - saltLength - hLen - 1);
  const mask = await mgf1(digest, h, db.length, hash);
  for (let i = 0; i < db.length; i++) db[i]! ^= mask[i]!;
  db[0]! &= 0xff >> (8 * emLen - emBits);
  return concatBytes(db, h, new Uint8Array([0xbc]));
}

/**
 * RSAES-PKCS1-v1_5 decoding with implicit rejection: the key of `keyLength` bytes, or as many
 * random bytes when the padding is wrong, picked byte by byte without a branch (as lib/smime's
 * rsaesPkcs1v15DecryptKey does for soft keys).
 */
export function implicitRejection(em: Uint8Array, keyLength: number): Uint8Array {
  const valid = emeValid(em, keyLength);
  const fallback = webRandom(keyLength);
  const mask = -valid & 0xff;
  const out = new Uint8Array(keyLength);
  for (let i = 0; i < keyLength; i++) out[i] = (em[em.length - keyLength + i]! & mask) | (fallback[i]! & ~mask & 0xff);
  return out;
}

/**
 * EME-OAEP decoding (RFC 8017 section 7.1.2 step 3): the message, or null for any bad block.
 * Every check runs over every byte and the outcome is one flag, so the caller can answer every
 * failure with the same error (no Manger oracle).
 */
export async function emeOaepDecode(digest: Digest, em: Uint8Array, hash: HashName, label: Uint8Array): Promise<Uint8Array | null> {
  const hLen = HASH_BYTES[hash];
  const k = em.length;
  if (k < 2 * hLen + 2) throw new TokenError('invalid-argument', `RSA-OAEP with ${hash} needs a larger key.`);
  const lHash = await digest(hash, label);
  const maskedSeed = em.subarray(1, 1 + hLen);
  const maskedDb = em.subarray(1 + hLen);
  const seedMask = await mgf1(digest, maskedDb, hLen, hash);
  const seed = maskedSeed.map((b, i) => b ^ seedMask[i]!);
  const dbMask = await mgf1(digest, seed, k - hLen - 1, hash);
  const db = maskedDb.map((b, i) => b ^ dbMask[i]!);

  let bad = em[0]!;
  for (let i = 0; i < hLen; i++) bad |= db[i]! ^ lHash[i]!;
  // PS (zeros) then 01: find the first non-zero byte after lHash; it must be 01.
  let found = 0;
  let separator = 0;
  for (let i = hLen; i < db.length; i++) {
    const nonZero = db[i] !== 0 ? 1 : 0;
    const first = nonZero & (found ^ 1);
    separator |= -first & i;
    bad |= -first & (db[i]! ^ 0x01);
    found |= nonZero;
  }
  bad |= found ^ 1;
  seed.fill(0);
  const message = bad === 0 ? db.slice(separator + 1) : null;
  db.fill(0);
  return message;
}
