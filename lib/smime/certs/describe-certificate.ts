// What a certificate says, for matching addresses (RFC 8550 section 3) and for showing it.
import * as asn1js from 'asn1js';
import type * as pkijs from 'pkijs';

import { OID } from '../oids';
import type { CertificateSummary } from '../report';
import { digest } from '../web-crypto';
import { basicConstraints, extendedKeyUsage, keyUsage, subjectAltNames } from './certificate-extensions';
import { certificateDer, isSelfIssued, nameToString } from './certificate-identity';
import { bytesEqual, toHex } from '../../bytes';
import { certificateSignedPart, verifySignature } from './verify-signature';

/**
 * addr-specs the certificate names: subjectAltName rfc822Name (and SmtpUTF8Mailbox otherName,
 * RFC 8398), else subject emailAddress; domain lower-cased, local part kept (compare
 * case-insensitively).
 */
export function certificateEmails(certificate: pkijs.Certificate): string[] {
  const fromAltNames = subjectAltNames(certificate).flatMap(altNameEmail);
  const found = fromAltNames.length > 0 ? fromAltNames : subjectEmails(certificate);
  return [...new Set(found.flatMap(normalizeAddress))];
}

function altNameEmail(name: pkijs.GeneralName): string[] {
  if (name.type === 1 && typeof name.value === 'string') return [name.value];
  if (name.type === 0 && name.value instanceof asn1js.Constructed) {
    // OtherName ::= SEQUENCE { type-id OID, value [0] EXPLICIT ANY }, here [0] IMPLICIT in the GeneralName.
    const [typeId, wrapped] = name.value.valueBlock.value;
    const inner = wrapped instanceof asn1js.Constructed ? wrapped.valueBlock.value[0] : undefined;
    if (typeId instanceof asn1js.ObjectIdentifier && typeId.valueBlock.toString() === OID.smtpUtf8Mailbox && inner instanceof asn1js.Utf8String) {
      return [inner.valueBlock.value];
    }
  }
  return [];
}

function subjectEmails(certificate: pkijs.Certificate): string[] {
  return certificate.subject.typesAndValues
    .filter((tv) => tv.type === OID.emailAddress)
    .map((tv) => tv.value.valueBlock.value)
    .filter((value): value is string => typeof value === 'string');
}

function normalizeAddress(address: string): string[] {
  const at = address.lastIndexOf('@');
  if (at <= 0 || at === address.length - 1 || /\s/.test(address)) return [];
  return [`${address.slice(0, at)}@${address.slice(at + 1).toLowerCase()}`];
}

export function sameCertificate(a: pkijs.Certificate, b: pkijs.Certificate): boolean {
  return a === b || bytesEqual(certificateDer(a), certificateDer(b));
}

const EKU_NAMES: Record<string, string> = {
  '1.3.6.1.5.5.7.3.1': 'serverAuth',
  '1.3.6.1.5.5.7.3.2': 'clientAuth',
  '1.3.6.1.5.5.7.3.3': 'codeSigning',
  [OID.emailProtection]: 'emailProtection',
  '1.3.6.1.5.5.7.3.8': 'timeStamping',
  [OID.ocspSigning]: 'OCSPSigning',
  [OID.anyExtendedKeyUsage]: 'anyExtendedKeyUsage',
};

const CURVE_NAMES: Record<string, string> = { [OID.p256]: 'p256', [OID.p384]: 'p384', [OID.p521]: 'p521' };

/** "rsa-2048", "ec-p256", "ed25519", "x25519", else the key's OID. */
export function keyAlgorithmName(certificate: pkijs.Certificate): string {
  const info = certificate.subjectPublicKeyInfo;
  const oid = info.algorithm.algorithmId;
  if (oid === OID.rsaEncryption || oid === OID.rsassaPss) {
    const modulus = (info.parsedKey as pkijs.RSAPublicKey | undefined)?.modulus?.valueBlock.valueHexView;
    if (!modulus) return 'rsa';
    let start = 0;
    while (start < modulus.length && modulus[start] === 0) start++;
    const top = modulus[start] ?? 0;
    return `rsa-${(modulus.length - start - 1) * 8 + (top === 0 ? 0 : Math.floor(Math.log2(top)) + 1)}`;
  }
  if (oid === OID.ecPublicKey) {
    const curve = (info.algorithm.algorithmParams as asn1js.ObjectIdentifier | undefined)?.valueBlock?.toString?.();
    return `ec-${(curve && CURVE_NAMES[curve]) ?? curve ?? 'unknown'}`;
  }
  if (oid === OID.ed25519) return 'ed25519';
  if (oid === OID.x25519) return 'x25519';
  return oid;
}

export async function summarizeCertificate(certificate: pkijs.Certificate): Promise<CertificateSummary> {
  const der = certificateDer(certificate);
  const selfSigned =
    isSelfIssued(certificate) &&
    (await verifySignature(certificateSignedPart(certificate), certificate.subjectPublicKeyInfo)) === null;
  return {
    subject: nameToString(certificate.subject),
    issuer: nameToString(certificate.issuer),
    serialNumber: toHex(certificate.serialNumber.valueBlock.valueHexView),
    notBefore: certificate.notBefore.value.toISOString(),
    notAfter: certificate.notAfter.value.toISOString(),
    sha1: toHex(await digest('SHA-1', der)),
    sha256: toHex(await digest('SHA-256', der)),
    emails: certificateEmails(certificate),
    keyUsage: [...(keyUsage(certificate) ?? [])],
    extendedKeyUsage: (extendedKeyUsage(certificate) ?? []).map((oid) => EKU_NAMES[oid] ?? oid),
    keyAlgorithm: keyAlgorithmName(certificate),
    isCa: basicConstraints(certificate)?.ca ?? false,
    selfSigned,
  };
}
