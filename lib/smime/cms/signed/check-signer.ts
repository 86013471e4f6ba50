// One SignerInfo checked with our policy: signed attributes (exactly one contentType equal to
// eContentType, exactly one messageDigest equal to the content's digest, no repeated S/MIME
// attributes), the signature over the attributes as received, and the signing-certificate
// attribute. Failures become plain reasons, never exceptions: other signers still get a verdict.
import * as asn1js from 'asn1js';
import type * as pkijs from 'pkijs';

import { SmimeError } from '../../errors';
import type { SignatureScheme } from '../../keys/key-operations';
import { OID } from '../../oids';
import type { HashName } from '../../web-crypto';
import type { SignerCheck } from '../verify-signed-data';
import { bytesEqual } from '../../../bytes';
import { digestNameOf, isComputableHash, isWeakDigest } from './digest-algorithms';
import { decodeEncryptionKeyPreference, decodeIssuerAndSerialNumber } from './encryption-key-preference';
import { octetStringBytes } from './octet-string';
import { type AttributesByType, attributesByType, signedAttributesDer, singleValue } from './signed-attributes';
import { certificatesMatching, certificatesNamedBy, signerIdentifierText, signerReferenceOf } from './signer-identifier';
import { signingCertificateMismatch } from './signing-certificate';
import { decodeSigningTime } from './signing-time';
import { decodeSmimeCapabilities } from './smime-capabilities';
import { algorithmName, signatureSchemeOf } from './signature-algorithms';
import { describePublicKey, type PublicKeyDescription, verifySignature } from './verify-signature';

export interface SignerContext {
  eContentType: string;
  /** The signed content: eContent, or the detached bytes. */
  content: Uint8Array;
  /** The content's digest, computed once per hash for all signers. */
  digestOf(hash: HashName): Promise<Uint8Array>;
  /** Where the signer's certificate may be: the message's certificates, then the caller's. */
  certificates: pkijs.Certificate[];
  /** The certificate's DER as received. */
  derOf(certificate: pkijs.Certificate): Uint8Array;
}

export async function checkSigner(signerInfo: pkijs.SignerInfo, context: SignerContext): Promise<SignerCheck> {
  const reference = signerReferenceOf(signerInfo.sid);
  if (!reference) throw new SmimeError('malformed-cms', 'A signer is identified by neither issuer and serial number nor key identifier.');
  const reasons: string[] = [];
  const digestName = digestNameOf(signerInfo.digestAlgorithm.algorithmId);
  let scheme: SignatureScheme | null = null;
  try {
    scheme = signatureSchemeOf(signerInfo.signatureAlgorithm, digestName);
  } catch (error) {
    reasons.push(reasonOf(error));
  }

  let signedBytes = context.content;
  let attributes: AttributesByType | null = null;
  if (signerInfo.signedAttrs) {
    signedBytes = signedAttributesDer(signerInfo.signedAttrs);
    attributes = attributesByType(signerInfo.signedAttrs.attributes);
    await checkMandatoryAttributes(attributes, digestName, context, reasons);
  } else if (context.eContentType !== OID.data) {
    // RFC 5652 5.3: without signed attributes nothing would bind the content type.
    reasons.push('The signature has no signed attributes, which content other than plain data requires.');
  }
  const optional = attributes ? readOptionalAttributes(attributes, reasons) : { signingTime: null, capabilities: null, encryptionKeyPreference: null };

  const candidates = certificatesMatching(reference, context.certificates);
  let signerCertificate: pkijs.Certificate | null = candidates[0] ?? null;
  let key: PublicKeyDescription | null = null;
  let signatureValid = false;
  if (!signerCertificate) {
    reasons.push("The signer's certificate is not in the message.");
  } else if (scheme) {
    const signature = octetStringBytes(signerInfo.signature, 'signature');
    let keyProblem: string | null = null;
    // A key identifier may name several certificates (RFC 8551 2.6): the one whose key verifies is the signer's.
    for (const candidate of candidates) {
      try {
        const candidateKey = describePublicKey(candidate);
        if (await verifySignature(candidateKey, scheme, signedBytes, signature)) {
          signerCertificate = candidate;
          key = candidateKey;
          signatureValid = true;
          break;
        }
      } catch (error) {
        keyProblem ??= reasonOf(error);
      }
    }
    if (!signatureValid) {
      reasons.push(
        keyProblem ??
          (attributes ? "The signature is not valid for the signer's certificate." : 'The message was changed after it was signed, or the signature is not valid.'),
      );
    }
  }
  if (signerCertificate && !key) key = describeQuietly(signerCertificate);
  if (signerCertificate && attributes) await checkSigningCertificate(attributes, signerCertificate, context, reasons);

  const weakAlgorithm =
    isWeakDigest(digestName) || (scheme !== null && 'hash' in scheme && isWeakDigest(scheme.hash)) || (key?.kind === 'rsa' && key.modulusBits < 2048);
  return {
    signerIdentifier: signerIdentifierText(reference),
    signerCertificate,
    intact: signatureValid && reasons.length === 0,
    algorithm: scheme ? algorithmName(scheme, key?.kind === 'ec' ? key.curve : undefined) : signerInfo.signatureAlgorithm.algorithmId,
    digestAlgorithm: digestName,
    weakAlgorithm,
    ...optional,
    encryptionCertificate: optional.encryptionKeyPreference ? (certificatesNamedBy(optional.encryptionKeyPreference, context.certificates)[0] ?? null) : null,
    reasons,
  };
}

async function checkMandatoryAttributes(attributes: AttributesByType, digestName: string, context: SignerContext, reasons: string[]): Promise<void> {
  const contentType = singleValue(attributes, OID.contentType, 'content type', true, reasons);
  if (contentType && !(contentType instanceof asn1js.ObjectIdentifier && contentType.valueBlock.toString() === context.eContentType)) {
    // RFC 5652 11.1; pkijs does not check it (Johnny C5).
    reasons.push('The signed content type does not match the type of the content.');
  }
  const messageDigest = singleValue(attributes, OID.messageDigest, 'message digest', true, reasons);
  if (!messageDigest) return;
  if (!(messageDigest instanceof asn1js.OctetString) || messageDigest.valueBlock.isConstructed) {
    reasons.push('The message digest attribute cannot be read.');
  } else if (!isComputableHash(digestName)) {
    reasons.push(`The signature uses the digest ${digestName}, which is not supported.`);
  } else if (!bytesEqual(messageDigest.valueBlock.valueHexView, await context.digestOf(digestName))) {
    reasons.push('The message was changed after it was signed.');
  }
}

function readOptionalAttributes(attributes: AttributesByType, reasons: string[]) {
  const read = <T>(type: string, label: string, decode: (value: asn1js.AsnType) => T): T | null => {
    const value = singleValue(attributes, type, label, false, reasons);
    if (value === null) return null;
    try {
      return decode(value);
    } catch (error) {
      reasons.push(reasonOf(error));
      return null;
    }
  };
  const signingTime = read(OID.signingTime, 'signing time', decodeSigningTime);
  const capabilities = read(OID.smimeCapabilities, 'S/MIME capabilities', decodeSmimeCapabilities);
  const standard = read(OID.encryptionKeyPreference, 'encryption key preference', decodeEncryptionKeyPreference);
  const microsoft = read(OID.msOutlookEncryptionKeyPreference, 'Microsoft encryption key preference', decodeIssuerAndSerialNumber);
  return { signingTime, capabilities, encryptionKeyPreference: standard ?? microsoft };
}

async function checkSigningCertificate(attributes: AttributesByType, certificate: pkijs.Certificate, context: SignerContext, reasons: string[]): Promise<void> {
  for (const [type, version] of [[OID.signingCertificate, 1], [OID.signingCertificateV2, 2]] as const) {
    const value = singleValue(attributes, type, 'signing certificate', false, reasons);
    const mismatch = value && (await signingCertificateMismatch(value, version, certificate, context.derOf(certificate)));
    if (mismatch) reasons.push(mismatch);
  }
}

function describeQuietly(certificate: pkijs.Certificate): PublicKeyDescription | null {
  try {
    return describePublicKey(certificate);
  } catch {
    return null;
  }
}

function reasonOf(error: unknown): string {
  if (error instanceof SmimeError) return error.message;
  return `The signature could not be checked (${(error as Error)?.message ?? String(error)}).`;
}
