// A certificate's status in a CRL (RFC 5280 sections 5 and 6.3), after checking the CRL itself:
// the issuer's signature (the CRL came through an untrusted relay or a message), cRLSign, the
// scope of an issuing distribution point, critical extensions, and freshness. Complete CRLs
// only: delta and indirect CRLs, and CRLs for a subset of reasons, are not used.
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';

import { parseAs } from '../asn1/parse-der';
import { SmimeError } from '../errors';
import {
  authorityKeyIdentifier,
  basicConstraints,
  crlDistributionUrls,
  extensionValue,
  findExtension,
  keyUsage,
  subjectKeyIdentifier,
} from './certificate-extensions';
import { sameName } from './certificate-identity';
import { bytesEqual } from '../../bytes';
import { CLOCK_SKEW_MS, reasonName, type RevocationAnswer } from './revocation-answer';
import { verifySignature } from './verify-signature';

const CRL_NUMBER = '2.5.29.20';
const DELTA_CRL_INDICATOR = '2.5.29.27';
const ISSUING_DISTRIBUTION_POINT = '2.5.29.28';
const ISSUER_ALT_NAME = '2.5.29.18';
const AUTHORITY_KEY_IDENTIFIER = '2.5.29.35';
const FRESHEST_CRL = '2.5.29.46';
const REASON_CODE = '2.5.29.21';
const INVALIDITY_DATE = '2.5.29.24';
const REMOVE_FROM_CRL = 8;

const UNDERSTOOD_CRL_EXTENSIONS = new Set([CRL_NUMBER, ISSUING_DISTRIBUTION_POINT, ISSUER_ALT_NAME, AUTHORITY_KEY_IDENTIFIER, FRESHEST_CRL]);
const UNDERSTOOD_ENTRY_EXTENSIONS = new Set([REASON_CODE, INVALIDITY_DATE]);

export function parseCrl(der: Uint8Array): pkijs.CertificateRevocationList {
  try {
    return parseAs(der, 'CRL', (schema) => new pkijs.CertificateRevocationList({ schema }));
  } catch (error) {
    throw new SmimeError('malformed-certificate', 'The CRL cannot be read.', { cause: error });
  }
}

/**
 * The status `crl` gives `certificate` (issued by `issuer`), or null when the CRL is not the
 * issuer's or does not cover this kind of certificate.
 */
export async function crlStatus(
  certificate: pkijs.Certificate,
  issuer: pkijs.Certificate,
  crl: pkijs.CertificateRevocationList,
  now: Date,
): Promise<RevocationAnswer | null> {
  if (!sameName(crl.issuer, certificate.issuer)) return null;
  try {
    const crlKeyId = authorityKeyIdentifier({ extensions: crl.crlExtensions?.extensions });
    const issuerKeyId = subjectKeyIdentifier(issuer);
    // A CRL of another key under the same name (a re-keyed CA) is not this issuer's.
    if (crlKeyId && issuerKeyId && !bytesEqual(crlKeyId, issuerKeyId)) return null;
    if (!coversCertificate(crl, certificate)) return null;
  } catch {
    return { status: 'unknown', why: 'The CRL has extensions that cannot be read.' };
  }

  const problem = await verifySignature(
    { tbs: crl.tbsView, algorithm: crl.signatureAlgorithm, signature: crl.signatureValue.valueBlock.valueHexView, innerAlgorithm: crl.signature },
    issuer.subjectPublicKeyInfo,
  );
  if (problem) return { status: 'unknown', why: `The CRL is not signed by the issuer: ${problem}` };
  const usage = keyUsage(issuer);
  if (usage && !usage.has('cRLSign')) return { status: 'unknown', why: 'The issuer is not allowed to sign CRLs (no cRLSign).' };

  const unknownCritical = (crl.crlExtensions?.extensions ?? []).find((e) => e.critical && !UNDERSTOOD_CRL_EXTENSIONS.has(e.extnID));
  if (unknownCritical) return { status: 'unknown', why: `The CRL has a critical extension (${unknownCritical.extnID}) that is not understood.` };
  if (findExtension({ extensions: crl.crlExtensions?.extensions }, DELTA_CRL_INDICATOR)) {
    return { status: 'unknown', why: 'Only a delta CRL is available, and delta CRLs are not used.' };
  }

  const thisUpdate = crl.thisUpdate.value;
  const nextUpdate = crl.nextUpdate?.value;
  if (thisUpdate.getTime() > now.getTime() + CLOCK_SKEW_MS) return { status: 'unknown', why: 'The CRL is dated in the future.' };
  if (nextUpdate && nextUpdate.getTime() < now.getTime() - CLOCK_SKEW_MS) {
    return { status: 'unknown', why: `The CRL is out of date (its next update was due ${nextUpdate.toISOString()}).` };
  }

  const serial = stripZeros(certificate.serialNumber.valueBlock.valueHexView);
  const entry = (crl.revokedCertificates ?? []).find((e) => bytesEqual(stripZeros(e.userCertificate.valueBlock.valueHexView), serial));
  if (!entry) return { status: 'good', source: 'crl', producedAt: thisUpdate };
  const entryExtensions = entry.crlEntryExtensions?.extensions ?? [];
  const unknownEntry = entryExtensions.find((e) => e.critical && !UNDERSTOOD_ENTRY_EXTENSIONS.has(e.extnID));
  if (unknownEntry) return { status: 'unknown', why: `The CRL entry has a critical extension (${unknownEntry.extnID}) that is not understood.` };
  const code = reasonCode(entryExtensions);
  if (code === REMOVE_FROM_CRL) return { status: 'good', source: 'crl', producedAt: thisUpdate };
  return { status: 'revoked', source: 'crl', producedAt: thisUpdate, revokedAt: entry.revocationDate.value, reason: code === undefined ? undefined : reasonName(code) };
}

/** The issuing distribution point's scope (RFC 5280 section 5.2.5) includes this certificate. */
function coversCertificate(crl: pkijs.CertificateRevocationList, certificate: pkijs.Certificate): boolean {
  const extension = findExtension({ extensions: crl.crlExtensions?.extensions }, ISSUING_DISTRIBUTION_POINT);
  if (!extension) return true;
  const point = new pkijs.IssuingDistributionPoint({ schema: extensionValue(extension, 'issuing distribution point') });
  if (point.indirectCRL || point.onlySomeReasons !== undefined || point.onlyContainsAttributeCerts) return false;
  const isCa = basicConstraints(certificate)?.ca ?? false;
  if ((point.onlyContainsUserCerts && isCa) || (point.onlyContainsCACerts && !isCa)) return false;
  if (Array.isArray(point.distributionPoint)) {
    const published = point.distributionPoint.filter((n) => n.type === 6).map((n) => String(n.value));
    const named = crlDistributionUrls(certificate);
    // A partitioned CRL covers only the certificates that name its distribution point.
    if (published.length > 0 && !published.some((url) => named.includes(url))) return false;
  }
  return true;
}

function reasonCode(extensions: pkijs.Extension[]): number | undefined {
  const extension = extensions.find((e) => e.extnID === REASON_CODE);
  if (!extension) return undefined;
  const value = extensionValue(extension, 'CRL reason');
  return value instanceof asn1js.Enumerated ? value.valueBlock.valueDec : undefined;
}

function stripZeros(bytes: Uint8Array): Uint8Array {
  let start = 0;
  while (start < bytes.length - 1 && bytes[start] === 0) start++;
  return bytes.subarray(start);
}
