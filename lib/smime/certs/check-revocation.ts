// Revocation of every certificate of an anchored path except the anchor (RFC 5280 section 6.3,
// RFC 8550 section 2.1). Per certificate: a CRL the message carried that lists it settles it as
// revoked; otherwise OCSP first (fresh, small), then a CRL (the message's, a cached one, or one
// fetched from the distribution points). Fetched CRLs are cached per cache object (one per
// TrustSettings) while they are current.
import type * as pkijs from 'pkijs';

import { isSmimeError } from '../errors';
import { OID } from '../oids';
import type { RevocationReport } from '../report';
import { authorityInfoAccessUrls, crlDistributionUrls } from './certificate-extensions';
import { displayName } from './certificate-identity';
import { crlStatus, parseCrl } from './crl-status';
import { fetchPki } from './fetch-pki';
import { ocspStatus } from './ocsp-status';
import type { PkiFetcher } from './pki-fetcher';
import type { RevocationAnswer } from './revocation-answer';

export type CrlCache = Map<string, pkijs.CertificateRevocationList>;

export interface RevocationSources {
  fetcher: PkiFetcher | null;
  /** CRLs the message carried, already parsed; each is verified before use. */
  messageCrls: pkijs.CertificateRevocationList[];
  crlCache: CrlCache;
  now: Date;
}

export interface CertificateRevocation {
  certificate: pkijs.Certificate;
  answer: RevocationAnswer;
}

/** The answers for path[0 .. n-2] (the anchor, last, is not checked). */
export async function checkPathRevocation(path: pkijs.Certificate[], sources: RevocationSources): Promise<CertificateRevocation[]> {
  const results: CertificateRevocation[] = [];
  for (let i = 0; i + 1 < path.length; i++) {
    const certificate = path[i]!;
    results.push({ certificate, answer: await certificateRevocation(certificate, path[i + 1]!, sources) });
  }
  return results;
}

/** One report for the path: revoked if any is, else unknown if any is, else good. */
export function summarizeRevocation(results: CertificateRevocation[], now: Date): RevocationReport {
  const checkedAt = now.toISOString();
  const revoked = results.find((r) => r.answer.status === 'revoked');
  if (revoked?.answer.status === 'revoked') {
    const { answer } = revoked;
    const why = answer.reason ? ` (${answer.reason})` : '';
    return { status: 'revoked', source: answer.source, checkedAt, reason: `${displayName(revoked.certificate)} was revoked on ${answer.revokedAt.toISOString()}${why}.` };
  }
  const unknown = results.find((r) => r.answer.status === 'unknown');
  if (unknown?.answer.status === 'unknown') return { status: 'unknown', checkedAt, reason: unknown.answer.why };
  const first = results[0]?.answer;
  return { status: 'good', source: first?.status === 'good' ? first.source : undefined, checkedAt };
}

async function certificateRevocation(certificate: pkijs.Certificate, issuer: pkijs.Certificate, sources: RevocationSources): Promise<RevocationAnswer> {
  const whyNot: string[] = [];
  const consider = (answer: RevocationAnswer | null): RevocationAnswer | null => {
    if (answer?.status === 'unknown') whyNot.push(answer.why);
    return answer?.status === 'good' || answer?.status === 'revoked' ? answer : null;
  };

  let fromMessage: RevocationAnswer | null = null;
  for (const crl of sources.messageCrls) {
    const answer = consider(await guard(() => crlStatus(certificate, issuer, crl, sources.now)));
    if (answer?.status === 'revoked') return answer;
    fromMessage ??= answer;
  }

  const fetcher = sources.fetcher;
  if (fetcher) {
    for (const url of urlsOr(() => authorityInfoAccessUrls(certificate, OID.ocsp), whyNot)) {
      const answer = consider(await guard(() => ocspStatus(certificate, issuer, url, fetcher, sources.now)));
      if (answer) return answer;
    }
  }
  if (fromMessage) return fromMessage;
  if (fetcher) {
    for (const url of urlsOr(() => crlDistributionUrls(certificate), whyNot)) {
      const answer = consider(await guard(() => fetchedCrlStatus(certificate, issuer, url, fetcher, sources)));
      if (answer) return answer;
    }
  }
  if (whyNot.length === 0) whyNot.push(`No revocation information is available for ${displayName(certificate)}.`);
  return { status: 'unknown', why: whyNot.join(' ') };
}

async function fetchedCrlStatus(
  certificate: pkijs.Certificate,
  issuer: pkijs.Certificate,
  url: string,
  fetcher: PkiFetcher,
  sources: RevocationSources,
): Promise<RevocationAnswer | null> {
  const cached = sources.crlCache.get(url);
  if (cached) {
    const answer = await crlStatus(certificate, issuer, cached, sources.now);
    if (answer && answer.status !== 'unknown') return answer;
    sources.crlCache.delete(url); // stale or not this issuer's: fetch afresh
  }
  let crl: pkijs.CertificateRevocationList;
  try {
    crl = parseCrl(await fetchPki(fetcher, { url, method: 'GET' }));
  } catch (error) {
    return { status: 'unknown', why: `The CRL at ${url} could not be used: ${isSmimeError(error) ? error.message : 'unknown error'}` };
  }
  const answer = await crlStatus(certificate, issuer, crl, sources.now);
  // Only a CRL whose signature and freshness checked out is kept.
  if (answer && answer.status !== 'unknown') sources.crlCache.set(url, crl);
  return answer ?? { status: 'unknown', why: `The CRL at ${url} is not the issuer's CRL for this certificate.` };
}

async function guard(check: () => Promise<RevocationAnswer | null>): Promise<RevocationAnswer | null> {
  try {
    return await check();
  } catch (error) {
    // Hostile CRL or OCSP bytes must not abort the validation: the source just does not answer.
    return { status: 'unknown', why: isSmimeError(error) ? error.message : 'A revocation source could not be read.' };
  }
}

function urlsOr(read: () => string[], whyNot: string[]): string[] {
  try {
    return read();
  } catch (error) {
    whyNot.push(isSmimeError(error) ? error.message : 'An extension naming revocation services cannot be read.');
    return [];
  }
}
