// Key agreement (KeyAgreeRecipientInfo, RFC 5652 section 6.2.2): ephemeral-static ECDH on P-256,
// P-384 and P-521 with the X9.63 KDF (RFC 5753), and X25519 with HKDF-SHA256 (RFC 8418); the
// content key is AES-key-wrapped under the derived key. The recipient's half of the agreement goes
// only through the identity's KeyOperations.
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';

import { toDer } from '../../asn1/parse-der';
import { SmimeError } from '../../errors';
import type { KeyOperations, NamedCurve } from '../../keys/key-operations';
import { OID } from '../../oids';
import type { KeyTransportName } from '../../report';
import { ownBuffer, webCrypto } from '../../web-crypto';
import { children, encodingOf, isUniversal, malformed, oidOf } from './asn1-read';
import { aesKeyUnwrap, aesKeyWrap, KEY_WRAP_LENGTHS, keyWrapOid } from './aes-key-wrap';
import { decryptionFailed } from './content-cipher';
import { eccCmsSharedInfo, hkdfSha256, type KdfHash, x963Kdf } from './key-derivation';
import { issuerAndSerialNumber } from './key-transport';

const X963_SCHEMES: Record<string, KdfHash> = {
  [OID.dhSinglePassStdDhSha1Kdf]: 'SHA-1',
  [OID.dhSinglePassStdDhSha224Kdf]: 'SHA-224',
  [OID.dhSinglePassStdDhSha256Kdf]: 'SHA-256',
  [OID.dhSinglePassStdDhSha384Kdf]: 'SHA-384',
  [OID.dhSinglePassStdDhSha512Kdf]: 'SHA-512',
};

const CURVE_OIDS: Record<NamedCurve, string> = { 'P-256': OID.p256, 'P-384': OID.p384, 'P-521': OID.p521 };
const CURVE_BITS: Record<NamedCurve, number> = { 'P-256': 256, 'P-384': 384, 'P-521': 528 };

type Agreement = { kind: 'ecdh'; curve: NamedCurve } | { kind: 'x25519' };

function agreementOf(key: KeyOperations): Agreement {
  if (key.kind === 'ec' && key.curve) return { kind: 'ecdh', curve: key.curve };
  if (key.kind === 'x25519') return { kind: 'x25519' };
  throw new SmimeError('unsupported-algorithm', 'This key cannot take part in key agreement.');
}

/** The SubjectPublicKeyInfo of the originator's ephemeral key, on the recipient's own curve. */
function originatorSpki(info: pkijs.KeyAgreeRecipientInfo, agreement: Agreement): Uint8Array {
  if (info.originator.variant !== 3) {
    throw new SmimeError('unsupported-algorithm', 'Key agreement with a static originator key (not an ephemeral originatorKey) is not supported.');
  }
  const originator = info.originator.value as pkijs.OriginatorPublicKey;
  const point = new Uint8Array(originator.publicKey.valueBlock.valueHexView);
  const algorithm = originator.algorithm;
  const params = algorithm.algorithmParams as asn1js.AsnType | undefined;
  let spkiAlgorithm: asn1js.Sequence;
  if (agreement.kind === 'ecdh') {
    // RFC 5753 section 3.1.1: id-ecPublicKey; the curve is the recipient's (parameters absent or NULL).
    const curveOid = CURVE_OIDS[agreement.curve];
    const namesOtherCurve = params instanceof asn1js.ObjectIdentifier && params.valueBlock.toString() !== curveOid;
    if (algorithm.algorithmId !== OID.ecPublicKey || namesOtherCurve) throw malformed('The originator key is not an EC key on the recipient curve.');
    spkiAlgorithm = new asn1js.Sequence({ value: [new asn1js.ObjectIdentifier({ value: OID.ecPublicKey }), new asn1js.ObjectIdentifier({ value: curveOid })] });
  } else {
    if (algorithm.algorithmId !== OID.x25519 || point.length !== 32) throw malformed('The originator key is not an X25519 key.');
    spkiAlgorithm = new asn1js.Sequence({ value: [new asn1js.ObjectIdentifier({ value: OID.x25519 })] });
  }
  return toDer(new asn1js.Sequence({ value: [spkiAlgorithm, new asn1js.BitString({ valueHex: ownBuffer(point).buffer })] }));
}

/** The key-wrap AlgorithmIdentifier in the keyEncryptionAlgorithm parameters: its encoding and KEK length. */
function keyWrapOf(info: pkijs.KeyAgreeRecipientInfo): { der: Uint8Array; kekLength: number } {
  const params = info.keyEncryptionAlgorithm.algorithmParams as asn1js.AsnType | undefined;
  if (!isUniversal(params, 16)) throw malformed('The key agreement names no key-wrap algorithm.');
  const [oidValue, wrapParams, ...rest] = children(params, 'key-wrap algorithm');
  const oid = oidOf(oidValue, 'key-wrap algorithm');
  const kekLength = KEY_WRAP_LENGTHS[oid];
  if (!kekLength) throw new SmimeError('unsupported-algorithm', `Key wrap with ${oid} is not supported.`);
  if (rest.length > 0 || (wrapParams !== undefined && !isUniversal(wrapParams, 5))) throw malformed('The AES key-wrap algorithm has parameters.');
  return { der: encodingOf(params!), kekLength };
}

/** The content-encryption key from one RecipientEncryptedKey; every cryptographic failure is 'decryption-failed'. */
export async function decryptAgreedKey(
  info: pkijs.KeyAgreeRecipientInfo,
  encryptedKey: Uint8Array,
  key: KeyOperations,
  keyLength: number,
): Promise<{ cek: Uint8Array; keyTransport: KeyTransportName }> {
  const agreement = agreementOf(key);
  const scheme = info.keyEncryptionAlgorithm.algorithmId;
  const x963Hash = X963_SCHEMES[scheme];
  if (agreement.kind === 'ecdh' ? !x963Hash : scheme !== OID.dhSinglePassStdDhHkdfSha256) {
    throw new SmimeError('unsupported-algorithm', `Key agreement scheme ${scheme} is not supported for this key.`);
  }
  const wrap = keyWrapOf(info);
  const spki = originatorSpki(info, agreement);
  const ukm = info.ukm ? new Uint8Array(info.ukm.valueBlock.valueHexView) : undefined;
  // Outside the try: a key that cannot run (card removed, PIN cancelled: 'key-unavailable') says so;
  // only what follows from Z is a cryptographic failure.
  const z = await key.deriveSharedSecret!(spki);
  try {
    const sharedInfo = eccCmsSharedInfo(wrap.der, ukm, wrap.kekLength);
    const kek = x963Hash ? x963Kdf(x963Hash, z, sharedInfo, wrap.kekLength) : await hkdfSha256(z, sharedInfo, wrap.kekLength);
    const cek = await aesKeyUnwrap(kek, encryptedKey);
    if (cek.length !== keyLength) throw new Error('unwrapped key of the wrong length');
    return { cek, keyTransport: agreement.kind };
  } catch (error) {
    throw decryptionFailed(error);
  } finally {
    z.fill(0);
  }
}

/** Which agreement a recipient certificate's key allows, and its SPKI for WebCrypto. */
function recipientAgreement(certificate: pkijs.Certificate): { agreement: Agreement; spki: Uint8Array } {
  const spki = certificate.subjectPublicKeyInfo;
  const der = toDer(spki.toSchema());
  if (spki.algorithm.algorithmId === OID.x25519) return { agreement: { kind: 'x25519' }, spki: der };
  if (spki.algorithm.algorithmId === OID.ecPublicKey) {
    const params = spki.algorithm.algorithmParams as asn1js.AsnType | undefined;
    const oid = params instanceof asn1js.ObjectIdentifier ? params.valueBlock.toString() : '';
    const curve = (Object.keys(CURVE_OIDS) as NamedCurve[]).find((c) => CURVE_OIDS[c] === oid);
    if (curve) return { agreement: { kind: 'ecdh', curve }, spki: der };
  }
  throw new SmimeError('unsupported-algorithm', 'The recipient certificate holds no P-256, P-384, P-521 or X25519 key.');
}

export function canAgreeWith(certificate: pkijs.Certificate): boolean {
  const oid = certificate.subjectPublicKeyInfo.algorithm.algorithmId;
  return oid === OID.ecPublicKey || oid === OID.x25519;
}

function tagged(tagNumber: number, value: asn1js.AsnType[]): asn1js.Constructed {
  return new asn1js.Constructed({ idBlock: { tagClass: 3, tagNumber }, value });
}

/**
 * A KeyAgreeRecipientInfo for one recipient, with a fresh ephemeral key, no ukm, and an AES key
 * wrap of the content key's own size (RFC 8551 section 2.3): dhSinglePass-stdDH-sha256kdf-scheme
 * for the NIST curves, dhSinglePass-stdDH-hkdf-sha256-scheme for X25519. Returned as the [1]
 * choice of RecipientInfo.
 */
export async function keyAgreementRecipientInfo(certificate: pkijs.Certificate, cek: Uint8Array): Promise<asn1js.Constructed> {
  const subtle = webCrypto().subtle;
  const { agreement, spki } = recipientAgreement(certificate);
  const algorithm = agreement.kind === 'ecdh' ? { name: 'ECDH', namedCurve: agreement.curve } : { name: 'X25519' };
  const ephemeral = (await subtle.generateKey(algorithm, true, ['deriveBits'])) as CryptoKeyPair;
  const recipientKey = await subtle.importKey('spki', ownBuffer(spki), algorithm, false, []);
  const bits = agreement.kind === 'ecdh' ? CURVE_BITS[agreement.curve] : 256;
  const z = new Uint8Array(await subtle.deriveBits({ name: algorithm.name, public: recipientKey } as EcdhKeyDeriveParams, ephemeral.privateKey, bits));
  const point = new Uint8Array(await subtle.exportKey('raw', ephemeral.publicKey));

  const scheme = agreement.kind === 'ecdh' ? OID.dhSinglePassStdDhSha256Kdf : OID.dhSinglePassStdDhHkdfSha256;
  const wrapAlgorithm = new asn1js.Sequence({ value: [new asn1js.ObjectIdentifier({ value: keyWrapOid(cek.length) })] });
  const sharedInfo = eccCmsSharedInfo(toDer(wrapAlgorithm), undefined, cek.length);
  const kek = agreement.kind === 'ecdh' ? x963Kdf('SHA-256', z, sharedInfo, cek.length) : await hkdfSha256(z, sharedInfo, cek.length);
  z.fill(0);
  const wrapped = await aesKeyWrap(kek, cek);
  kek.fill(0);

  const originatorAlgorithm = new asn1js.Sequence({ value: [new asn1js.ObjectIdentifier({ value: agreement.kind === 'ecdh' ? OID.ecPublicKey : OID.x25519 })] });
  const originatorKey = tagged(1, [originatorAlgorithm, new asn1js.BitString({ valueHex: ownBuffer(point).buffer })]);
  return tagged(1, [
    new asn1js.Integer({ value: 3 }),
    tagged(0, [originatorKey]),
    new asn1js.Sequence({ value: [new asn1js.ObjectIdentifier({ value: scheme }), wrapAlgorithm] }),
    new asn1js.Sequence({ value: [new asn1js.Sequence({ value: [issuerAndSerialNumber(certificate), new asn1js.OctetString({ valueHex: ownBuffer(wrapped).buffer })] })] }),
  ]);
}
