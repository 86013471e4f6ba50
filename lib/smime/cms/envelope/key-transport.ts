// RSA key transport (KeyTransRecipientInfo, RFC 5652 section 6.2.1): RSAES-PKCS1-v1_5 (RFC 3370)
// and RSAES-OAEP (RFC 3560 / RFC 4055), both directions. The private half goes only through the
// identity's KeyOperations.
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';

import { SmimeError } from '../../errors';
import type { KeyOperations } from '../../keys/key-operations';
import { OID } from '../../oids';
import type { KeyTransportName } from '../../report';
import { bytesToBigInt } from '../../rsa/big-int-bytes';
import { rsaesPkcs1v15Encrypt } from '../../rsa/rsaes-pkcs1-v1_5';
import { type HashName, ownBuffer, webCrypto } from '../../web-crypto';
import { toDer } from '../../asn1/parse-der';
import { children, isUniversal, malformed, octets, oidOf } from './asn1-read';
import { decryptionFailed } from './content-cipher';

const HASHES: Record<string, HashName> = { [OID.sha1]: 'SHA-1', [OID.sha256]: 'SHA-256', [OID.sha384]: 'SHA-384', [OID.sha512]: 'SHA-512' };
const HASH_OIDS: Record<HashName, string> = { 'SHA-1': OID.sha1, 'SHA-256': OID.sha256, 'SHA-384': OID.sha384, 'SHA-512': OID.sha512 };

export interface OaepParameters {
  hash: HashName;
  label?: Uint8Array;
}

/**
 * RSAES-OAEP-params (RFC 4055 section 4.1): every field has a SHA-1 default, and senders write the
 * defaults as absent parameters, NULL or an empty SEQUENCE. WebCrypto takes one hash for both the
 * label hash and MGF1, so a mix is refused.
 */
export function readOaepParameters(params: unknown): OaepParameters {
  const value = params as asn1js.AsnType | undefined;
  if (value === undefined || isUniversal(value, 5)) return { hash: 'SHA-1' };
  if (!isUniversal(value, 16)) throw malformed('The RSAES-OAEP parameters are not a sequence.');
  let hash: HashName = 'SHA-1';
  let mgfHash: HashName = 'SHA-1';
  let label: Uint8Array | undefined;
  let lastTag = -1;
  for (const field of children(value, 'RSAES-OAEP parameters')) {
    const tag = field.idBlock.tagNumber;
    if (field.idBlock.tagClass !== 3 || tag <= lastTag || tag > 2) throw malformed('The RSAES-OAEP parameters have an unexpected field.');
    lastTag = tag;
    const [algorithm, ...rest] = children(field, 'RSAES-OAEP parameter');
    if (rest.length > 0) throw malformed('The RSAES-OAEP parameters have an unexpected field.');
    const [oidValue, inner] = children(algorithm, 'RSAES-OAEP algorithm');
    const oid = oidOf(oidValue, 'RSAES-OAEP algorithm');
    if (tag === 0) hash = hashFor(oid);
    else if (tag === 1) {
      if (oid !== OID.mgf1) throw new SmimeError('unsupported-algorithm', `RSAES-OAEP with mask generation ${oid} is not supported.`);
      mgfHash = hashFor(oidOf(children(inner, 'MGF1 hash')[0], 'MGF1 hash'));
    } else {
      if (oid !== OID.pSpecified) throw new SmimeError('unsupported-algorithm', `RSAES-OAEP with label source ${oid} is not supported.`);
      label = octets(inner, 'RSAES-OAEP label');
    }
  }
  if (hash !== mgfHash) throw new SmimeError('unsupported-algorithm', 'RSAES-OAEP with different label and MGF1 hashes is not supported.');
  return label && label.length > 0 ? { hash, label } : { hash };
}

function hashFor(oid: string): HashName {
  const hash = HASHES[oid];
  if (!hash) throw new SmimeError('unsupported-algorithm', `RSAES-OAEP with hash ${oid} is not supported.`);
  return hash;
}

/** The content-encryption key of `keyLength` bytes; every RSA failure is 'decryption-failed'. */
export async function decryptTransportedKey(
  info: pkijs.KeyTransRecipientInfo,
  key: KeyOperations,
  keyLength: number,
): Promise<{ cek: Uint8Array; keyTransport: KeyTransportName }> {
  const oid = info.keyEncryptionAlgorithm.algorithmId;
  const encryptedKey = new Uint8Array(info.encryptedKey.valueBlock.valueHexView);
  const decrypt = key.decryptKeyTransport;
  if (!decrypt) throw new SmimeError('unsupported-algorithm', 'This key cannot decrypt a transported key.');
  if (oid === OID.rsaEncryption) {
    // The CEK length goes in first: a bad padding then yields a random key of that length (implicit rejection).
    return { cek: await failGenerically(decrypt(encryptedKey, { padding: 'pkcs1v15', keyLength })), keyTransport: 'rsa-pkcs1v15' };
  }
  if (oid === OID.rsaesOaep) {
    const { hash, label } = readOaepParameters(info.keyEncryptionAlgorithm.algorithmParams);
    const cek = await failGenerically(decrypt(encryptedKey, label ? { padding: 'oaep', hash, label } : { padding: 'oaep', hash }));
    if (cek.length !== keyLength) throw decryptionFailed();
    return { cek, keyTransport: 'rsa-oaep' };
  }
  throw new SmimeError('unsupported-algorithm', `Key transport with ${oid} is not supported.`);
}

/**
 * A ciphertext the key refuses by its length or range is one more wrong key, not a different
 * error. A key that could not run at all (no card, no PIN) says so: that depends on the key's
 * state, never on the ciphertext, so it is no padding oracle.
 */
async function failGenerically(operation: Promise<Uint8Array>): Promise<Uint8Array> {
  try {
    return await operation;
  } catch (error) {
    if (error instanceof SmimeError && (error.code === 'key-operation-failed' || error.code === 'key-unavailable')) throw error;
    throw decryptionFailed(error);
  }
}

export type RsaPadding = { padding: 'pkcs1v15' } | { padding: 'oaep'; hash: 'SHA-256' | 'SHA-1' };

/** IssuerAndSerialNumber of a certificate, from its own encoding. */
export function issuerAndSerialNumber(certificate: pkijs.Certificate): asn1js.Sequence {
  return new asn1js.Sequence({ value: [certificate.issuer.toSchema(), new asn1js.Integer({ valueHex: ownBuffer(certificate.serialNumber.valueBlock.valueHexView).buffer })] });
}

function hashIdentifier(hash: HashName): asn1js.Sequence {
  // RFC 4055 section 2.1: hash AlgorithmIdentifiers in these parameters carry NULL.
  return new asn1js.Sequence({ value: [new asn1js.ObjectIdentifier({ value: HASH_OIDS[hash] }), new asn1js.Null()] });
}

/** The keyEncryptionAlgorithm: rsaEncryption, or id-RSAES-OAEP with explicit parameters for SHA-256. */
function keyEncryptionAlgorithm(padding: RsaPadding): asn1js.Sequence {
  if (padding.padding === 'pkcs1v15') return new asn1js.Sequence({ value: [new asn1js.ObjectIdentifier({ value: OID.rsaEncryption }), new asn1js.Null()] });
  // All-default (SHA-1) parameters are the empty sequence (RFC 4055 section 4.1).
  const fields =
    padding.hash === 'SHA-1'
      ? []
      : [
          new asn1js.Constructed({ idBlock: { tagClass: 3, tagNumber: 0 }, value: [hashIdentifier(padding.hash)] }),
          new asn1js.Constructed({
            idBlock: { tagClass: 3, tagNumber: 1 },
            value: [new asn1js.Sequence({ value: [new asn1js.ObjectIdentifier({ value: OID.mgf1 }), hashIdentifier(padding.hash)] })],
          }),
        ];
  return new asn1js.Sequence({ value: [new asn1js.ObjectIdentifier({ value: OID.rsaesOaep }), new asn1js.Sequence({ value: fields })] });
}

/** A version 0 KeyTransRecipientInfo carrying `cek` to an RSA certificate. */
export async function keyTransportRecipientInfo(certificate: pkijs.Certificate, cek: Uint8Array, padding: RsaPadding): Promise<asn1js.Sequence> {
  const spki = certificate.subjectPublicKeyInfo;
  const publicKey = spki.parsedKey;
  if (spki.algorithm.algorithmId !== OID.rsaEncryption || !(publicKey instanceof pkijs.RSAPublicKey)) {
    throw new SmimeError('unsupported-algorithm', 'The recipient certificate does not hold an RSA encryption key.');
  }
  let encryptedKey: Uint8Array;
  if (padding.padding === 'pkcs1v15') {
    encryptedKey = rsaesPkcs1v15Encrypt({ n: bytesToBigInt(publicKey.modulus.valueBlock.valueHexView), e: bytesToBigInt(publicKey.publicExponent.valueBlock.valueHexView) }, cek);
  } else {
    const subtle = webCrypto().subtle;
    const key = await subtle.importKey('spki', ownBuffer(toDer(spki.toSchema())), { name: 'RSA-OAEP', hash: padding.hash }, false, ['encrypt']);
    encryptedKey = new Uint8Array(await subtle.encrypt({ name: 'RSA-OAEP' }, key, ownBuffer(cek)));
  }
  return new asn1js.Sequence({
    value: [new asn1js.Integer({ value: 0 }), issuerAndSerialNumber(certificate), keyEncryptionAlgorithm(padding), new asn1js.OctetString({ valueHex: ownBuffer(encryptedKey).buffer })],
  });
}
