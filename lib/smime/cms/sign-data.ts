// Producing CMS SignedData (RFC 5652 5, RFC 8551 2.5): one signer, DER throughout, signed
// attributes contentType, signingTime, messageDigest, SMIMECapabilities, the encryption key
// preference (standard and Outlook's) and signingCertificateV2. The private key is reached only
// through KeyOperations.sign, so a smart card signs the same way a soft key does.
import * as asn1js from 'asn1js';
import type * as pkijs from 'pkijs';

import { derWithHole, type DerNode } from '../asn1/der-with-hole';
import { toDer } from '../asn1/parse-der';
import { SmimeError } from '../errors';
import type { Identity } from '../keys/key-operations';
import { OID } from '../oids';
import { digest, type HashName } from '../web-crypto';
import { bytesEqual } from '../../bytes';
import { describePublicKey } from './signed/verify-signature';
import { nameDer } from './signed/distinguished-name';
import { encodeEncryptionKeyPreference, encodeMicrosoftEncryptionKeyPreference } from './signed/encryption-key-preference';
import { attribute, encodeSignedAttributes } from './signed/signed-attributes';
import { issuerAndSerialNumberOf } from './signed/signer-identifier';
import { signingAlgorithms } from './signed/signature-algorithms';
import { encodeSigningCertificateV2 } from './signed/signing-certificate';
import { encodeSigningTime } from './signed/signing-time';
import { encodeSmimeCapabilities, type SmimeCapability } from './signed/smime-capabilities';

export interface SignOptions {
  /** true: eContent absent (multipart/signed); false: content inside (application/pkcs7-mime). */
  detached: boolean;
  /** Default SHA-256; Ed25519 always uses SHA-512 (RFC 8419 3.1). */
  hash?: 'SHA-256' | 'SHA-384' | 'SHA-512';
  /** RSA keys: RSASSA-PSS instead of PKCS#1 v1.5. */
  rsaPss?: boolean;
  /** Default: now. */
  signingTime?: Date;
  /** Default DEFAULT_CAPABILITIES. */
  capabilities?: SmimeCapability[];
  /** Adds SMIMEEncryptionKeyPreference (issuerAndSerialNumber) and Outlook's variant for it. */
  encryptionCertificate?: pkijs.Certificate;
  /** eContentType; default id-data. */
  contentType?: string;
}

const RSAES_OAEP_SHA256_PARAMS = toDer(
  new asn1js.Sequence({
    value: [
      new asn1js.Constructed({ idBlock: { tagClass: 3, tagNumber: 0 }, value: [algorithmIdentifier(OID.sha256)] }),
      new asn1js.Constructed({ idBlock: { tagClass: 3, tagNumber: 1 }, value: [algorithmIdentifier(OID.mgf1, algorithmIdentifier(OID.sha256))] }),
    ],
  }),
);

/** What we can decrypt, strongest first (RFC 8551 2.5.2): AES without parameters (RFC 3565 5), OAEP with SHA-256. */
export const DEFAULT_CAPABILITIES: SmimeCapability[] = [
  { oid: OID.aes256Gcm },
  { oid: OID.aes128Gcm },
  { oid: OID.aes256Cbc },
  { oid: OID.aes192Cbc },
  { oid: OID.aes128Cbc },
  { oid: OID.rsaesOaep, parameters: RSAES_OAEP_SHA256_PARAMS },
];

const SEQUENCE = 0x30;
const OCTET_STRING = 0x04;
const CONTEXT_0_CONSTRUCTED = 0xa0;

const OPTIONS = new Set(['detached', 'hash', 'rsaPss', 'signingTime', 'capabilities', 'encryptionCertificate', 'contentType']);
const HASHES = new Set(['SHA-256', 'SHA-384', 'SHA-512']);

/** ContentInfo DER with SignedData over `content`, signed by `signer`, carrying its certificate and chain (never a root). */
export async function signData(content: Uint8Array, signer: Identity, options: SignOptions): Promise<Uint8Array> {
  checkOptions(options);
  const { key, certificate } = signer;
  if (!key.sign) throw new SmimeError('invalid-argument', 'This key cannot sign.');
  checkKeyFitsCertificate(signer);
  const hash: HashName = key.kind === 'ed25519' ? 'SHA-512' : (options.hash ?? 'SHA-256');
  const algorithms = signingAlgorithms(key, hash, options.rsaPss ?? false);
  const contentType = options.contentType ?? OID.data;
  const certificateDer = toDer(certificate.toSchema());

  const attributes = [
    attribute(OID.contentType, new asn1js.ObjectIdentifier({ value: contentType })),
    attribute(OID.signingTime, encodeSigningTime(options.signingTime ?? new Date())),
    attribute(OID.messageDigest, new asn1js.OctetString({ valueHex: (await digest(hash, content)).slice().buffer })),
    attribute(OID.smimeCapabilities, encodeSmimeCapabilities(options.capabilities ?? DEFAULT_CAPABILITIES)),
    attribute(OID.signingCertificateV2, await encodeSigningCertificateV2(certificate, certificateDer)),
  ];
  if (options.encryptionCertificate) {
    attributes.push(attribute(OID.encryptionKeyPreference, encodeEncryptionKeyPreference(options.encryptionCertificate)));
    attributes.push(attribute(OID.msOutlookEncryptionKeyPreference, encodeMicrosoftEncryptionKeyPreference(options.encryptionCertificate)));
  }
  const signedAttributes = encodeSignedAttributes(attributes);
  const signature = await key.sign(signedAttributes.setDer, algorithms.scheme);

  const signerInfo = new asn1js.Sequence({
    value: [
      new asn1js.Integer({ value: 1 }),
      issuerAndSerialNumberOf(certificate),
      algorithms.digestAlgorithm,
      signedAttributes.field,
      algorithms.signatureAlgorithm,
      new asn1js.OctetString({ valueHex: signature.slice().buffer }),
    ],
  });
  // The DER is laid out around the content (opaque signing) and the content copied in once:
  // asn1js would hold and copy a 25 MB message several times.
  const encapsulated: DerNode = {
    tag: SEQUENCE,
    children: [toDer(new asn1js.ObjectIdentifier({ value: contentType })), ...(options.detached ? [] : [{ tag: CONTEXT_0_CONSTRUCTED, children: [{ tag: OCTET_STRING, holeLength: content.length }] }])],
  };
  const signedData: DerNode = {
    tag: SEQUENCE,
    children: [
      // RFC 5652 5.1: version 3 when eContentType is not id-data, else 1 (no SKI, no attribute certificates).
      toDer(new asn1js.Integer({ value: contentType === OID.data ? 1 : 3 })),
      toDer(new asn1js.Set({ value: [algorithms.digestAlgorithm] })),
      encapsulated,
      toDer(new asn1js.Constructed({ idBlock: { tagClass: 3, tagNumber: 0 }, value: certificatesToInclude(signer).map((c) => c.toSchema()) })),
      toDer(new asn1js.Set({ value: [signerInfo] })),
    ],
  };
  const { der, hole } = derWithHole({
    tag: SEQUENCE,
    children: [toDer(new asn1js.ObjectIdentifier({ value: OID.signedData })), { tag: CONTEXT_0_CONSTRUCTED, children: [signedData] }],
  });
  if (!options.detached) hole.set(content);
  return der;
}

/** The micalg parameter of multipart/signed for a digest (RFC 8551 3.5.3.2). */
export function micalg(hash: 'SHA-1' | 'SHA-256' | 'SHA-384' | 'SHA-512'): string {
  return hash.toLowerCase();
}

function checkOptions(options: SignOptions): void {
  for (const name of Object.keys(options)) {
    if (!OPTIONS.has(name)) throw new SmimeError('invalid-argument', `Unknown option "${name}" for signData.`);
  }
  if (typeof options.detached !== 'boolean') throw new SmimeError('invalid-argument', 'signData needs detached: true or false.');
  if (options.hash !== undefined && !HASHES.has(options.hash)) throw new SmimeError('invalid-argument', `The hash ${String(options.hash)} is not offered for signing.`);
}

// A key that does not belong to the certificate would produce signatures nobody can verify.
function checkKeyFitsCertificate(signer: Identity): void {
  const certificateKey = describePublicKey(signer.certificate);
  const fits =
    certificateKey.kind === signer.key.kind &&
    (certificateKey.kind !== 'ec' || certificateKey.curve === signer.key.curve) &&
    (certificateKey.kind !== 'rsa' || signer.key.modulusBits === undefined || certificateKey.modulusBits === signer.key.modulusBits);
  if (!fits) throw new SmimeError('invalid-argument', "The signing key does not match the signer's certificate.");
}

/** The signer's certificate and its chain, each once, without self-issued roots (RFC 8551 2.4.1 lets the recipient hold those). */
function certificatesToInclude(signer: Identity): pkijs.Certificate[] {
  const included: { certificate: pkijs.Certificate; der: Uint8Array }[] = [];
  for (const certificate of [signer.certificate, ...(signer.chain ?? [])]) {
    if (certificate !== signer.certificate && bytesEqual(nameDer(certificate.subject), nameDer(certificate.issuer))) continue;
    const der = toDer(certificate.toSchema());
    if (!included.some((c) => bytesEqual(c.der, der))) included.push({ certificate, der });
  }
  return included.map((c) => c.certificate);
}

function algorithmIdentifier(oid: string, parameters?: asn1js.AsnType): asn1js.Sequence {
  return new asn1js.Sequence({ value: [new asn1js.ObjectIdentifier({ value: oid }), ...(parameters ? [parameters] : [])] });
}
