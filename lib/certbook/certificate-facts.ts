// What the address book compares certificates by: their exact bytes and SHA-256 fingerprint, the
// public key, the issuer, the validity period and the addresses they name. Pure functions over
// pkijs objects; nothing here decides trust (that is validateCertificate's job).
import * as asn1js from 'asn1js';
import type * as pkijs from 'pkijs';

import { bytesEqual, toHex } from '../bytes';
import { certificateEmails } from '../smime';

const AUTHORITY_KEY_IDENTIFIER = '2.5.29.35';

/** The certificate's DER bytes, as parsed (pkijs keeps the signed part's original bytes). */
export function certificateBytes(certificate: pkijs.Certificate): Uint8Array {
  return new Uint8Array(certificate.toSchema(false).toBER(false));
}

/** Lower-case hex SHA-256 of DER bytes: the book's key for an entry. */
export async function fingerprintOf(der: Uint8Array, crypto: Crypto = globalThis.crypto): Promise<string> {
  return toHex(new Uint8Array(await crypto.subtle.digest('SHA-256', der as Uint8Array<ArrayBuffer>)));
}

/** The same public key (SubjectPublicKeyInfo, algorithm and key bits). */
export function sameKey(a: pkijs.Certificate, b: pkijs.Certificate): boolean {
  const spki = (c: pkijs.Certificate) => new Uint8Array(c.subjectPublicKeyInfo.toSchema().toBER(false));
  return bytesEqual(spki(a), spki(b));
}

/** The authority key identifier's keyIdentifier, undefined when absent or unreadable. */
function authorityKeyId(certificate: pkijs.Certificate): Uint8Array | undefined {
  const extension = certificate.extensions?.find((e) => e.extnID === AUTHORITY_KEY_IDENTIFIER);
  if (!extension) return undefined;
  const parsed = asn1js.fromBER(extension.extnValue.valueBlock.valueHexView);
  if (parsed.offset === -1 || !(parsed.result instanceof asn1js.Sequence)) return undefined;
  // AuthorityKeyIdentifier ::= SEQUENCE { keyIdentifier [0] IMPLICIT OCTET STRING OPTIONAL, ... } (RFC 5280 4.2.1.1)
  const first = parsed.result.valueBlock.value[0];
  if (!first || first.idBlock.tagClass !== 3 || first.idBlock.tagNumber !== 0) return undefined;
  return (first as asn1js.Primitive).valueBlock.valueHexView;
}

/**
 * The same issuing CA: the same issuer name, and the same issuing key where both certificates
 * name it (a CA that took another CA's name is another issuer).
 */
export function sameIssuer(a: pkijs.Certificate, b: pkijs.Certificate): boolean {
  if (!a.issuer.isEqual(b.issuer)) return false;
  const [ka, kb] = [authorityKeyId(a), authorityKeyId(b)];
  return ka === undefined || kb === undefined || bytesEqual(ka, kb);
}

/** Inside its validity period at `now` (dates only: revocation is the validator's question). */
export function validAt(certificate: pkijs.Certificate, now: Date): boolean {
  return certificate.notBefore.value.getTime() <= now.getTime() && now.getTime() <= certificate.notAfter.value.getTime();
}

/** Address comparison as lib/recipients does it: the whole addr-spec, case-insensitively. */
export const sameAddress = (a: string, b: string): boolean => a.toLowerCase() === b.toLowerCase();

/** True when the certificate names `address`. */
export function namesAddress(certificate: pkijs.Certificate, address: string): boolean {
  return certificateEmails(certificate).some((e) => sameAddress(e, address));
}
