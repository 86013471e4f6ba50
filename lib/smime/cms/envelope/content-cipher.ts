// Content-encryption algorithms: AES-CBC (RFC 3565) for EnvelopedData, AES-GCM (RFC 5084) for
// AuthEnvelopedData, and, decrypt-only, 3DES and RC2 (RFC 3370) from lib/smime/legacy. Every
// failure of the cipher itself (padding, tag, a wrong key) is the same 'decryption-failed', so
// nothing tells a wrong key from a tampered message.
import * as asn1js from 'asn1js';
import type * as pkijs from 'pkijs';

import { SmimeError } from '../../errors';
import { legacyContentCipher } from '../../legacy/legacy-content-cipher';
import { OID } from '../../oids';
import type { ContentCipherName } from '../../report';
import { ownBuffer, webCrypto } from '../../web-crypto';
import { children, isUniversal, malformed, octets } from './asn1-read';
import { cbcCiphertextLength, decryptCbc, encryptCbcInto } from './aes-cbc-chunks';
import { randomBytes, webCryptoView } from './bytes';
import { concatBytes } from '../../../bytes';

export function decryptionFailed(cause?: unknown): SmimeError {
  return new SmimeError('decryption-failed', 'The message could not be decrypted.', cause === undefined ? undefined : { cause });
}

export interface ContentDecryption {
  name: ContentCipherName;
  /** CEK length in bytes: RSA PKCS#1 v1.5 key transport needs it before the RSA operation. */
  keyLength: number;
  /** AES-GCM: only valid inside AuthEnvelopedData, and the only thing valid there. */
  authenticated: boolean;
  /** 3DES and RC2. */
  weak: boolean;
  /** The plaintext, released only after padding or tag checked. `mac` and `additionalData` for GCM. */
  decrypt(key: Uint8Array, ciphertext: Uint8Array, mac?: Uint8Array, additionalData?: Uint8Array): Promise<Uint8Array>;
}

const AES_CBC: Record<string, { name: ContentCipherName; keyLength: number }> = {
  [OID.aes128Cbc]: { name: 'aes-128-cbc', keyLength: 16 },
  [OID.aes192Cbc]: { name: 'aes-192-cbc', keyLength: 24 },
  [OID.aes256Cbc]: { name: 'aes-256-cbc', keyLength: 32 },
};

const AES_GCM: Record<string, { name: ContentCipherName; keyLength: number }> = {
  [OID.aes128Gcm]: { name: 'aes-128-gcm', keyLength: 16 },
  [OID.aes192Gcm]: { name: 'aes-192-gcm', keyLength: 24 },
  [OID.aes256Gcm]: { name: 'aes-256-gcm', keyLength: 32 },
};

/** AES-GCM, by OID alone: checked before the parameters are read. */
export function isAuthenticatedOid(oid: string): boolean {
  return oid in AES_GCM;
}

/** The decryption for a contentEncryptionAlgorithm; 'unsupported-algorithm' when we have none. */
export function contentDecryptionFor(algorithm: pkijs.AlgorithmIdentifier): ContentDecryption {
  const oid = algorithm.algorithmId;
  const cbc = AES_CBC[oid];
  if (cbc) return aesCbc(cbc.name, cbc.keyLength, cbcIv(algorithm.algorithmParams));
  const gcm = AES_GCM[oid];
  if (gcm) return aesGcm(gcm.name, gcm.keyLength, readGcmParameters(algorithm.algorithmParams));
  const legacy = legacyContentCipher(algorithm);
  if (legacy) {
    return {
      name: legacy.name,
      keyLength: legacy.keyLength,
      authenticated: false,
      weak: true,
      async decrypt(key, ciphertext) {
        try {
          return await legacy.decrypt(key, ciphertext);
        } catch (error) {
          throw decryptionFailed(error);
        }
      },
    };
  }
  throw new SmimeError('unsupported-algorithm', `The content is encrypted with ${oid}, which is not supported.`);
}

function cbcIv(params: unknown): Uint8Array {
  const value = params as asn1js.AsnType | undefined;
  if (!isUniversal(value, 4) || value!.idBlock.isConstructed) throw malformed('The AES-CBC parameters are not an IV.');
  const iv = octets(value, 'AES-CBC IV');
  if (iv.length !== 16) throw malformed('The AES-CBC IV is not 16 bytes.');
  return iv;
}

/** Key lengths are checked before this, so a refusal means the platform lacks the cipher (Chromium has no AES-192). */
async function importAes(name: 'AES-CBC' | 'AES-GCM', key: Uint8Array, usages: KeyUsage[]): Promise<CryptoKey> {
  try {
    return await webCrypto().subtle.importKey('raw', ownBuffer(key), { name }, false, usages);
  } catch (error) {
    throw new SmimeError('unsupported-algorithm', `This platform's WebCrypto has no ${name} with ${key.length * 8}-bit keys.`, { cause: error });
  }
}

function aesCbc(name: ContentCipherName, keyLength: number, iv: Uint8Array): ContentDecryption {
  return {
    name,
    keyLength,
    authenticated: false,
    weak: false,
    async decrypt(key, ciphertext) {
      if (key.length !== keyLength) throw decryptionFailed();
      // 'encrypt' too: decryptCbc makes the block that ends each piece with valid padding.
      const cryptoKey = await importAes('AES-CBC', key, ['encrypt', 'decrypt']);
      try {
        return await decryptCbc(cryptoKey, iv, ciphertext);
      } catch (error) {
        throw decryptionFailed(error);
      }
    },
  };
}

export interface GcmParameters {
  nonce: Uint8Array;
  /** Tag length in bytes (aes-ICVlen, 12 to 16, default 12). */
  tagLength: number;
}

/** GCMParameters ::= SEQUENCE { aes-nonce OCTET STRING, aes-ICVlen AES-GCM-ICVlen DEFAULT 12 } (RFC 5084 section 3.2). */
export function readGcmParameters(params: unknown): GcmParameters {
  const value = params as asn1js.AsnType | undefined;
  if (!isUniversal(value, 16)) throw malformed('The AES-GCM parameters are not a GCMParameters sequence.');
  const [nonceValue, icvValue, ...rest] = children(value, 'GCMParameters');
  if (!isUniversal(nonceValue, 4) || rest.length > 0) throw malformed('The AES-GCM parameters are not a GCMParameters sequence.');
  const nonce = octets(nonceValue, 'AES-GCM nonce');
  let tagLength = 12;
  if (icvValue !== undefined) {
    if (!(icvValue instanceof asn1js.Integer)) throw malformed('The AES-GCM tag length is not an integer.');
    tagLength = icvValue.valueBlock.valueDec;
  }
  if (nonce.length < 1 || nonce.length > 64) throw malformed('The AES-GCM nonce has an unusable length.');
  if (!Number.isInteger(tagLength) || tagLength < 12 || tagLength > 16) throw malformed('The AES-GCM tag length is outside 12 to 16 bytes.');
  return { nonce, tagLength };
}

function aesGcm(name: ContentCipherName, keyLength: number, params: GcmParameters): ContentDecryption {
  return {
    name,
    keyLength,
    authenticated: true,
    weak: false,
    async decrypt(key, ciphertext, mac, additionalData) {
      if (!mac || mac.length !== params.tagLength) throw malformed('The AuthEnvelopedData mac is not a tag of the declared length.');
      if (key.length !== keyLength) throw decryptionFailed();
      const cryptoKey = await importAes('AES-GCM', key, ['decrypt']);
      try {
        const algorithm: AesGcmParams = { name: 'AES-GCM', iv: ownBuffer(params.nonce), tagLength: params.tagLength * 8 };
        if (additionalData && additionalData.length > 0) algorithm.additionalData = ownBuffer(additionalData);
        // WebCrypto checks the tag before it returns a single byte of plaintext.
        return new Uint8Array(await webCrypto().subtle.decrypt(algorithm, cryptoKey, webCryptoView(concatBytes(ciphertext, mac))));
      } catch (error) {
        throw decryptionFailed(error);
      }
    },
  };
}

export type SendCipherName = 'aes-256-gcm' | 'aes-128-gcm' | 'aes-256-cbc' | 'aes-192-cbc' | 'aes-128-cbc';

const SEND: Record<SendCipherName, { oid: string; keyLength: number; gcm: boolean }> = {
  'aes-128-cbc': { oid: OID.aes128Cbc, keyLength: 16, gcm: false },
  'aes-192-cbc': { oid: OID.aes192Cbc, keyLength: 24, gcm: false },
  'aes-256-cbc': { oid: OID.aes256Cbc, keyLength: 32, gcm: false },
  'aes-128-gcm': { oid: OID.aes128Gcm, keyLength: 16, gcm: true },
  'aes-256-gcm': { oid: OID.aes256Gcm, keyLength: 32, gcm: true },
};

export function sendCipherKeyLength(cipher: SendCipherName): number {
  return SEND[cipher].keyLength;
}

export function isAuthenticatedCipher(cipher: SendCipherName): boolean {
  return SEND[cipher].gcm;
}

export interface ContentEncryption {
  /** The contentEncryptionAlgorithm AlgorithmIdentifier. */
  algorithm: asn1js.Sequence;
  ciphertextLength: number;
  /** GCM: the 16-byte tag, which AuthEnvelopedData carries in its mac field; null for CBC. */
  mac: Uint8Array | null;
  /** Writes the ciphertext into `out`, ciphertextLength bytes (its place in the envelope DER). */
  writeCiphertext(out: Uint8Array): Promise<void>;
}

/**
 * Encryption under a fresh IV (CBC) or 12-byte nonce with a 16-byte tag (GCM, no AAD). CBC
 * encrypts in pieces straight into the output; GCM's tag covers the whole message, so GCM
 * encrypts here in one call and the ciphertext is copied into place.
 */
export async function prepareContentEncryption(cipher: SendCipherName, key: Uint8Array, plaintext: Uint8Array): Promise<ContentEncryption> {
  const { oid, gcm } = SEND[cipher];
  if (!gcm) {
    const iv = randomBytes(16);
    const cryptoKey = await importAes('AES-CBC', key, ['encrypt']);
    const algorithm = new asn1js.Sequence({ value: [new asn1js.ObjectIdentifier({ value: oid }), new asn1js.OctetString({ valueHex: ownBuffer(iv).buffer })] });
    return { algorithm, ciphertextLength: cbcCiphertextLength(plaintext.length), mac: null, writeCiphertext: (out) => encryptCbcInto(cryptoKey, iv, plaintext, out) };
  }
  const nonce = randomBytes(12);
  const cryptoKey = await importAes('AES-GCM', key, ['encrypt']);
  const sealed = new Uint8Array(await webCrypto().subtle.encrypt({ name: 'AES-GCM', iv: ownBuffer(nonce), tagLength: 128 }, cryptoKey, webCryptoView(plaintext)));
  const params = new asn1js.Sequence({ value: [new asn1js.OctetString({ valueHex: ownBuffer(nonce).buffer }), new asn1js.Integer({ value: 16 })] });
  const algorithm = new asn1js.Sequence({ value: [new asn1js.ObjectIdentifier({ value: oid }), params] });
  const ciphertextLength = sealed.length - 16;
  return {
    algorithm,
    ciphertextLength,
    mac: sealed.slice(ciphertextLength),
    writeCiphertext: async (out) => out.set(sealed.subarray(0, ciphertextLength)),
  };
}
