// A PIV key slot as lib/smime's KeyOperations. The card only does raw RSA, ECDSA over a hash and
// ECDH; everything around that happens here, in the browser: hashing, the EMSA-PKCS1-v1_5 and
// EMSA-PSS encodings (RFC 8017 section 9), and the RSAES unpadding, PKCS#1 v1.5 with implicit
// rejection and OAEP with one generic error, both without branches on secret bytes. Each
// signature is checked against the certificate's public key, so a card whose slot holds another
// key (or computes wrongly) never yields a bad signature. PINs pass through, never kept. A card
// that cannot be used now (removed, PIN cancelled, wrong or blocked) is SmimeError
// 'key-unavailable' with the TokenError as its cause.
import * as pkijs from 'pkijs';

import { ecdsaDerToRaw } from '../../smime/asn1/ecdsa-signature';
import { SmimeError } from '../../smime/errors';
import type { KeyOperations, KeyTransportPadding, SignatureScheme } from '../../smime/keys/key-operations';
import { OID } from '../../smime/oids';
import { byteLength, bytesToBigInt, modPow } from '../../smime/rsa/big-int-bytes';
import { webRandom } from '../../smime/rsa/rsa-private-operation';
import { emeValid } from '../../smime/rsa/rsaes-pkcs1-v1_5';
import type { HashName } from '../../smime/web-crypto';
import { concatBytes } from '../../bytes';
import { TokenError, type TokenErrorCode, isTokenError } from '../errors';
import type { PivClient, PivCurve } from './piv-client';

export interface PinRequest {
  slot: number;
  /** Why now: the key wants the PIN before every use (9C), the card asked for it, or the last one was wrong. */
  reason: 'pin-always' | 'pin-required' | 'wrong-pin';
  /** Tries left on the card, when it says: the UI warns before the last one. */
  retriesLeft?: number;
}

/** Asks the user for the PIN; null when the user cancels. */
export type PinPrompt = (request: PinRequest) => Promise<string | null>;

/** Wrong PINs accepted in one operation before wrong-pin goes to the caller. */
const PIN_PROMPTS_PER_OPERATION = 3;

const HASH_BYTES: Record<HashName, number> = { 'SHA-1': 20, 'SHA-256': 32, 'SHA-384': 48, 'SHA-512': 64 };
/** DER of DigestInfo up to the hash value (RFC 8017 section 9.2, note 1). */
const DIGEST_INFO_PREFIX: Partial<Record<HashName, string>> = {
  'SHA-256': '3031300d060960864801650304020105000420',
  'SHA-384': '3041300d060960864801650304020205000430',
  'SHA-512': '3051300d060960864801650304020305000440',
};

type CardPublicKey = { kind: 'rsa'; n: bigint; e: bigint; k: number } | { kind: 'ec'; curve: PivCurve; spki: Uint8Array };

/** KeyOperations over the private key in `slot`, whose public key `certificate` carries. */
export function cardKeyOperations(client: PivClient, slot: number, certificate: pkijs.Certificate, askPin: PinPrompt): KeyOperations {
  const publicKey = readPublicKey(certificate);

  /** The user's PIN, verified, with the tries left shown before each prompt. */
  const authorize = async (reason: PinRequest['reason']): Promise<void> => {
    const status = await client.pinStatus();
    if (!status.verified && status.blocked) throw new TokenError('pin-blocked', 'The PIN is blocked: unblock it with the PUK.');
    let request: PinRequest = { slot, reason, ...(status.verified || status.retriesLeft === undefined ? {} : { retriesLeft: status.retriesLeft }) };
    for (let attempt = 1; ; attempt++) {
      const pin = await askPin(request);
      if (pin === null) throw new TokenError('pin-required', 'The PIN was not entered.');
      try {
        await client.verifyPin(pin);
        return;
      } catch (error) {
        if (!isTokenError(error) || error.code !== 'wrong-pin' || attempt === PIN_PROMPTS_PER_OPERATION) throw error;
        request = { slot, reason: 'wrong-pin', ...(error.retriesLeft === undefined ? {} : { retriesLeft: error.retriesLeft }) };
      }
    }
  };

  /** Runs a card operation: VERIFY right before it for a PIN-always key, else only when the card asks. */
  const withPin = async <T>(operation: () => Promise<T>): Promise<T> => {
    if (client.requiresPinEachUse(slot)) {
      await authorize('pin-always');
      return operation();
    }
    try {
      return await operation();
    } catch (error) {
      if (!isTokenError(error) || error.code !== 'pin-required') throw error;
    }
    await authorize('pin-required');
    return operation();
  };

  /** withPin, with the card's "cannot be used now" errors as lib/smime's 'key-unavailable'. */
  const onCard = async <T>(operation: () => Promise<T>): Promise<T> => {
    try {
      return await withPin(operation);
    } catch (error) {
      if (isTokenError(error) && UNAVAILABLE.has(error.code)) throw new SmimeError('key-unavailable', error.message, { cause: error });
      throw error;
    }
  };

  if (publicKey.kind === 'rsa') {
    const { n, e, k } = publicKey;
    /** s = EM^d on the card, checked with the public key (s^e = EM). */
    const rsaSign = async (em: Uint8Array): Promise<Uint8Array> => {
      const s = await onCard(() => client.rsaPrivateOperation(slot, em));
      if (modPow(bytesToBigInt(s), e, n) !== bytesToBigInt(em)) throw mismatch();
      return s;
    };
    return {
      kind: 'rsa',
      modulusBits: n.toString(2).length,
      sign: async (data: Uint8Array, scheme: SignatureScheme) => {
        if (scheme.scheme === 'rsa-pkcs1') return rsaSign(emsaPkcs1v15(await digest(signingHash(scheme.hash), data), scheme.hash, k));
        if (scheme.scheme === 'rsa-pss') {
          const modBits = n.toString(2).length;
          const em = await emsaPss(await digest(signingHash(scheme.hash), data), scheme.hash, scheme.saltLength, modBits - 1);
          return rsaSign(leftPad(em, k));
        }
        throw new TokenError('unsupported-algorithm', `An RSA card key cannot sign with ${scheme.scheme}.`);
      },
      decryptKeyTransport: async (encryptedKey: Uint8Array, padding: KeyTransportPadding) => {
        // Length and range are public: refusing them reveals nothing about the key or the plaintext.
        if (encryptedKey.length !== k || bytesToBigInt(encryptedKey) >= n) throw new TokenError('invalid-argument', 'The RSA ciphertext does not fit the key.');
        if (padding.padding === 'pkcs1v15' && (padding.keyLength < 1 || padding.keyLength > k - 11)) {
          throw new TokenError('invalid-argument', `A ${padding.keyLength}-byte key cannot come from a ${k}-byte RSA key.`);
        }
        const em = await onCard(() => client.rsaPrivateOperation(slot, encryptedKey));
        try {
          return padding.padding === 'pkcs1v15' ? implicitRejection(em, padding.keyLength) : await emeOaepDecode(em, padding.hash, padding.label ?? new Uint8Array(0));
        } finally {
          em.fill(0);
        }
      },
    };
  }

  const { curve, spki } = publicKey;
  return {
    kind: 'ec',
    curve,
    sign: async (data: Uint8Array, scheme: SignatureScheme) => {
      if (scheme.scheme !== 'ecdsa') throw new TokenError('unsupported-algorithm', `An EC card key cannot sign with ${scheme.scheme}.`);
      const hash = signingHash(scheme.hash);
      const digested = await digest(hash, data);
      const der = await onCard(() => client.ecdsaSign(slot, curve, digested));
      const verifier = await subtle().importKey('spki', own(spki), { name: 'ECDSA', namedCurve: curve }, false, ['verify']);
      let raw: Uint8Array;
      try {
        raw = ecdsaDerToRaw(der, HALF[curve]);
      } catch {
        throw mismatch();
      }
      if (!(await subtle().verify({ name: 'ECDSA', hash }, verifier, own(raw), own(data)))) throw mismatch();
      return der;
    },
    deriveSharedSecret: async (originatorPublicKey: Uint8Array) => {
      // WebCrypto checks the point is on our curve (no invalid-curve points reach the card) and decompresses it.
      let point: Uint8Array;
      try {
        const peer = await subtle().importKey('spki', own(originatorPublicKey), { name: 'ECDH', namedCurve: curve }, true, []);
        point = new Uint8Array(await subtle().exportKey('raw', peer));
      } catch {
        throw new TokenError('invalid-argument', `The originator's key is not a ${curve} public key.`);
      }
      return onCard(() => client.ecdh(slot, curve, point));
    },
  };
}

/**
 * Errors that say the key cannot be used now (PIN, card, reader, bridge), not that the input was
 * bad: lib/smime lets 'key-unavailable' through where every other failure is one generic error.
 */
const UNAVAILABLE = new Set<TokenErrorCode>(['pin-required', 'wrong-pin', 'pin-blocked', 'card-removed', 'no-card', 'no-reader', 'card-unresponsive', 'transport-error', 'bridge-unavailable', 'bridge-not-paired']);

const HALF: Record<PivCurve, number> = { 'P-256': 32, 'P-384': 48 };
const subtle = () => globalThis.crypto.subtle;
const own = (bytes: Uint8Array) => new Uint8Array(bytes) as Uint8Array<ArrayBuffer>;
const mismatch = () => new TokenError('card-error', "The card's signature does not match the certificate's public key.");

async function digest(hash: HashName, data: Uint8Array): Promise<Uint8Array> {
  return new Uint8Array(await subtle().digest(hash, own(data)));
}

/** SHA-1 signatures are refused (RFC 8551 section 2.1 leaves it to verification of old mail). */
function signingHash(hash: HashName): HashName {
  if (!DIGEST_INFO_PREFIX[hash]) throw new TokenError('unsupported-algorithm', `Card keys do not sign with ${hash}.`);
  return hash;
}

function leftPad(bytes: Uint8Array, length: number): Uint8Array {
  const out = new Uint8Array(length);
  out.set(bytes, length - bytes.length);
  return out;
}

function readPublicKey(certificate: pkijs.Certificate): CardPublicKey {
  const info = certificate.subjectPublicKeyInfo;
  const algorithm = info.algorithm.algorithmId;
  const parsed = info.parsedKey;
  if (algorithm === OID.rsaEncryption && parsed instanceof pkijs.RSAPublicKey) {
    const n = bytesToBigInt(parsed.modulus.valueBlock.valueHexView);
    return { kind: 'rsa', n, e: bytesToBigInt(parsed.publicExponent.valueBlock.valueHexView), k: byteLength(n) };
  }
  if (algorithm === OID.ecPublicKey) {
    const params = info.algorithm.algorithmParams as { valueBlock?: { toString(): string } } | undefined;
    const oid = params?.valueBlock?.toString();
    const curve: PivCurve | undefined = oid === OID.p256 ? 'P-256' : oid === OID.p384 ? 'P-384' : undefined;
    if (curve) return { kind: 'ec', curve, spki: new Uint8Array(info.toSchema().toBER(false)) };
  }
  throw new TokenError('unsupported-algorithm', 'PIV card keys are RSA or EC P-256/P-384.');
}

/** EMSA-PKCS1-v1_5 (RFC 8017 section 9.2): 00 01 FF..FF 00 DigestInfo, k bytes. */
function emsaPkcs1v15(hash: Uint8Array, hashName: HashName, k: number): Uint8Array {
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
async function mgf1(seed: Uint8Array, length: number, hash: HashName): Promise<Uint8Array> {
  const blocks: Uint8Array[] = [];
  for (let counter = 0; counter * HASH_BYTES[hash] < length; counter++) {
    const c = new Uint8Array([counter >>> 24, (counter >>> 16) & 0xff, (counter >>> 8) & 0xff, counter & 0xff]);
    blocks.push(await digest(hash, concatBytes(seed, c)));
  }
  return concatBytes(...blocks).subarray(0, length);
}

/** EMSA-PSS-ENCODE (RFC 8017 section 9.1.1) of a message hash, MGF1 with the same hash. */
async function emsaPss(mHash: Uint8Array, hash: HashName, saltLength: number, emBits: number): Promise<Uint8Array> {
  const hLen = HASH_BYTES[hash];
  const emLen = Math.ceil(emBits / 8);
  if (!Number.isInteger(saltLength) || saltLength < 0 || emLen < hLen + saltLength + 2) throw new TokenError('invalid-argument', `A ${saltLength}-byte salt does not fit this RSA key.`);
  const salt = webRandom(saltLength);
  const h = await digest(hash, concatBytes(new Uint8Array(8), mHash, salt));
  const db = new Uint8Array(emLen - hLen - 1);
  db[emLen - saltLength - hLen - 2] = 0x01;
  db.set(salt, emLen - saltLength - hLen - 1);
  const mask = await mgf1(h, db.length, hash);
  for (let i = 0; i < db.length; i++) db[i]! ^= mask[i]!;
  db[0]! &= 0xff >> (8 * emLen - emBits);
  return concatBytes(db, h, new Uint8Array([0xbc]));
}

/**
 * RSAES-PKCS1-v1_5 decoding with implicit rejection: the key of `keyLength` bytes, or as many
 * random bytes when the padding is wrong, picked byte by byte without a branch (as lib/smime's
 * rsaesPkcs1v15DecryptKey does for soft keys).
 */
function implicitRejection(em: Uint8Array, keyLength: number): Uint8Array {
  const valid = emeValid(em, keyLength);
  const fallback = webRandom(keyLength);
  const mask = -valid & 0xff;
  const out = new Uint8Array(keyLength);
  for (let i = 0; i < keyLength; i++) out[i] = (em[em.length - keyLength + i]! & mask) | (fallback[i]! & ~mask & 0xff);
  return out;
}

/**
 * EME-OAEP decoding (RFC 8017 section 7.1.2 step 3). Every check runs over every byte and the
 * outcome is one flag, so any failure is the same error (no Manger oracle).
 */
async function emeOaepDecode(em: Uint8Array, hash: HashName, label: Uint8Array): Promise<Uint8Array> {
  const hLen = HASH_BYTES[hash];
  const k = em.length;
  if (k < 2 * hLen + 2) throw new TokenError('invalid-argument', `RSA-OAEP with ${hash} needs a larger key.`);
  const lHash = await digest(hash, label);
  const maskedSeed = em.subarray(1, 1 + hLen);
  const maskedDb = em.subarray(1 + hLen);
  const seedMask = await mgf1(maskedDb, hLen, hash);
  const seed = maskedSeed.map((b, i) => b ^ seedMask[i]!);
  const dbMask = await mgf1(seed, k - hLen - 1, hash);
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
  if (bad !== 0) {
    db.fill(0);
    throw new SmimeError('decryption-failed', 'The message could not be decrypted.');
  }
  const message = db.slice(separator + 1);
  db.fill(0);
  return message;
}
