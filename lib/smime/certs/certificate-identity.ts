// Telling certificates and names apart: the DER of a parsed certificate, name equality (RFC 5280
// section 7.1 through pkijs's comparison: case- and space-insensitive for strings), and hex.
import type * as pkijs from 'pkijs';
import { toHex } from '../../bytes';

/**
 * The certificate's DER. pkijs keeps the signed part as received (tbsView) and re-encodes only
 * the outer signature algorithm and value, which are DER already in any certificate that verifies.
 */
export function certificateDer(certificate: pkijs.Certificate): Uint8Array {
  const cached = encoded.get(certificate);
  if (cached?.tbsView === certificate.tbsView) return cached.der;
  const der = new Uint8Array(certificate.toSchema(false).toBER(false));
  encoded.set(certificate, { tbsView: certificate.tbsView, der });
  return der;
}

// Path building compares certificates often; the encoding is kept while the signed part is the same object.
const encoded = new WeakMap<pkijs.Certificate, { tbsView: Uint8Array; der: Uint8Array }>();

export function sameName(a: pkijs.RelativeDistinguishedNames, b: pkijs.RelativeDistinguishedNames): boolean {
  return a.isEqual(b);
}

/** Issuer and subject are the same name (self-issued, RFC 5280 section 3.3). */
export function isSelfIssued(certificate: pkijs.Certificate): boolean {
  return sameName(certificate.issuer, certificate.subject);
}

export function serialHex(certificate: pkijs.Certificate): string {
  return toHex(certificate.serialNumber.valueBlock.valueHexView);
}

/** A short name for messages: the subject's commonName, else the whole subject. */
export function displayName(certificate: pkijs.Certificate): string {
  const cn = certificate.subject.typesAndValues.find((tv) => tv.type === '2.5.4.3');
  const value = cn?.value.valueBlock.value;
  return typeof value === 'string' && value !== '' ? `"${value}"` : `"${nameToString(certificate.subject)}"`;
}

const SHORT_NAMES: Record<string, string> = {
  '2.5.4.3': 'CN',
  '2.5.4.4': 'SN',
  '2.5.4.5': 'serialNumber',
  '2.5.4.6': 'C',
  '2.5.4.7': 'L',
  '2.5.4.8': 'ST',
  '2.5.4.9': 'street',
  '2.5.4.10': 'O',
  '2.5.4.11': 'OU',
  '2.5.4.12': 'title',
  '2.5.4.42': 'GN',
  '0.9.2342.19200300.100.1.25': 'DC',
  '0.9.2342.19200300.100.1.1': 'UID',
  '1.2.840.113549.1.9.1': 'emailAddress',
};

/** "CN=Alice, O=Example" in the order the name is encoded, values escaped as in RFC 4514. */
export function nameToString(name: pkijs.RelativeDistinguishedNames): string {
  return name.typesAndValues
    .map((tv) => {
      const raw = tv.value.valueBlock.value;
      const value = typeof raw === 'string' ? escapeValue(raw) : `#${toHex(new Uint8Array(tv.value.toBER(false)))}`;
      return `${SHORT_NAMES[tv.type] ?? tv.type}=${value}`;
    })
    .join(', ');
}

function escapeValue(value: string): string {
  return value.replace(/[,+"\\<>;=]/g, '\\$&').replace(/^[ #]/, '\\$&').replace(/ $/, '\\ ');
}
