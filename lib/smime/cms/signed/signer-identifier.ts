// SignerIdentifier (RFC 5652 section 5.3): issuerAndSerialNumber or subjectKeyIdentifier, as text
// for reports, and the certificates it may name. A SubjectKeyIdentifier is not unique (RFC 8551
// section 2.6): every certificate carrying it is a candidate.
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';

import { OID } from '../../oids';
import { bytesEqual, toHex } from '../../../bytes';
import { nameDer, nameToText } from './distinguished-name';

export type SignerIdentifier = { issuer: string; serialNumber: string } | { subjectKeyIdentifier: string };

/** What a SignerInfo's sid (pkijs: IssuerAndSerialNumber, or [0] primitive holding the SKI) points at. */
export type SignerReference = { issuer: pkijs.RelativeDistinguishedNames; serialNumber: Uint8Array } | { subjectKeyIdentifier: Uint8Array };

export function signerReferenceOf(sid: unknown): SignerReference | null {
  if (sid instanceof pkijs.IssuerAndSerialNumber) {
    return { issuer: sid.issuer, serialNumber: sid.serialNumber.valueBlock.valueHexView };
  }
  if (sid instanceof asn1js.Primitive) return { subjectKeyIdentifier: sid.valueBlock.valueHexView };
  return null;
}

export function signerIdentifierText(reference: SignerReference): SignerIdentifier {
  if ('subjectKeyIdentifier' in reference) return { subjectKeyIdentifier: toHex(reference.subjectKeyIdentifier) };
  return { issuer: nameToText(reference.issuer), serialNumber: serialHex(reference.serialNumber) };
}

/** A serial number's hex without the sign-padding zero bytes DER may add. */
export function serialHex(serial: Uint8Array): string {
  let start = 0;
  while (start < serial.length - 1 && serial[start] === 0) start++;
  return toHex(serial.subarray(start));
}

/** The certificates a SignerIdentifier in text form names (an EncryptionKeyPreference, say). */
export function certificatesNamedBy(identifier: SignerIdentifier, certificates: pkijs.Certificate[]): pkijs.Certificate[] {
  if ('subjectKeyIdentifier' in identifier) {
    return certificates.filter((certificate) => {
      const ski = subjectKeyIdentifierOf(certificate);
      return ski !== null && toHex(ski) === identifier.subjectKeyIdentifier;
    });
  }
  return certificates.filter(
    (certificate) =>
      serialHex(certificate.serialNumber.valueBlock.valueHexView) === identifier.serialNumber && nameToText(certificate.issuer) === identifier.issuer,
  );
}

export function certificatesMatching(reference: SignerReference, certificates: pkijs.Certificate[]): pkijs.Certificate[] {
  if ('subjectKeyIdentifier' in reference) {
    return certificates.filter((certificate) => {
      const ski = subjectKeyIdentifierOf(certificate);
      return ski !== null && bytesEqual(ski, reference.subjectKeyIdentifier);
    });
  }
  const issuer = nameDer(reference.issuer);
  const serial = serialHex(reference.serialNumber);
  return certificates.filter(
    (certificate) => serialHex(certificate.serialNumber.valueBlock.valueHexView) === serial && bytesEqual(nameDer(certificate.issuer), issuer),
  );
}

/** The value of the certificate's subjectKeyIdentifier extension, if any. */
export function subjectKeyIdentifierOf(certificate: pkijs.Certificate): Uint8Array | null {
  const extension = certificate.extensions?.find((e) => e.extnID === OID.subjectKeyIdentifier);
  const parsed = extension?.parsedValue as unknown;
  return parsed instanceof asn1js.OctetString ? parsed.valueBlock.valueHexView : null;
}

/** IssuerAndSerialNumber of a certificate, with its issuer bytes as received. */
export function issuerAndSerialNumberOf(certificate: pkijs.Certificate): asn1js.Sequence {
  return new asn1js.Sequence({ value: [certificate.issuer.toSchema(), new asn1js.Integer({ valueHex: certificate.serialNumber.valueBlock.valueHexView.slice().buffer })] });
}
