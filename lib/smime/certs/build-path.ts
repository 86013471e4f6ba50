// Builds a certification path from a certificate up to a trust anchor (RFC 4158 in small): a
// depth-first search over issuers matched by name and AKI/SKI, each link accepted only when its
// signature verifies. Candidates come from the anchors, the message's and the cached
// intermediates, and, when nothing local fits, from the AIA caIssuers URL of the certificate
// being extended (never from anything else in the message). A certificate cannot appear twice in
// a path, and the search is capped in length and in candidates tried, so it always ends.
import type * as pkijs from 'pkijs';

import { isSmimeError } from '../errors';
import { LIMITS } from '../limits';
import { OID } from '../oids';
import { authorityInfoAccessUrls, authorityKeyIdentifier, subjectKeyIdentifier } from './certificate-extensions';
import { displayName, sameName } from './certificate-identity';
import { bytesEqual } from '../../bytes';
import { sameCertificate } from './describe-certificate';
import { fetchPki } from './fetch-pki';
import type { PkiFetcher } from './pki-fetcher';
import { readCertificates } from './read-certificates';
import { certificateSignedPart, verifySignature } from './verify-signature';

export interface PathSources {
  anchors: pkijs.Certificate[];
  /** Untrusted intermediates: the message's certificates and the local cache. */
  intermediates: pkijs.Certificate[];
  fetcher: PkiFetcher | null;
  now: Date;
}

export interface BuiltPath {
  /** End entity first; the anchor last when `anchored`, else the longest path that was found. */
  path: pkijs.Certificate[];
  anchored: boolean;
  /** Why links failed (bad signatures, fetch failures, caps): reported when no anchor was reached. */
  notes: string[];
}

export async function buildPath(certificate: pkijs.Certificate, sources: PathSources): Promise<BuiltPath> {
  const isAnchor = (c: pkijs.Certificate) => sources.anchors.some((anchor) => sameCertificate(anchor, c));
  const notes: string[] = [];
  const fetchedUrls = new Set<string>();
  let tried = 0;
  let capped = false;
  let longest: pkijs.Certificate[] = [certificate];

  const linksTo = async (child: pkijs.Certificate, issuer: pkijs.Certificate): Promise<boolean> => {
    if (tried >= LIMITS.chainCandidates) {
      capped = true;
      return false;
    }
    tried++;
    const problem = await verifySignature(certificateSignedPart(child), issuer.subjectPublicKeyInfo);
    if (problem) notes.push(`${displayName(issuer)} has the issuer's name but did not sign ${displayName(child)}: ${problem}`);
    return problem === null;
  };

  const extend = async (path: pkijs.Certificate[]): Promise<pkijs.Certificate[] | null> => {
    if (path.length > longest.length) longest = path;
    const current = path[path.length - 1]!;
    if (isAnchor(current)) return path;
    if (path.length >= LIMITS.chainLength) {
      notes.push(`The chain is longer than ${LIMITS.chainLength} certificates.`);
      return null;
    }
    const tryAll = async (candidates: pkijs.Certificate[]) => {
      for (const candidate of orderCandidates(issuersOf(current, candidates, path), isAnchor, sources.now)) {
        if (await linksTo(current, candidate)) {
          const found = await extend([...path, candidate]);
          if (found) return found;
        }
      }
      return null;
    };
    const local = await tryAll([...sources.anchors, ...sources.intermediates]);
    if (local || !sources.fetcher) return local;
    return tryAll(await fetchIssuers(current, sources.fetcher, fetchedUrls, notes));
  };

  const found = await extend([certificate]);
  if (capped) notes.push(`More than ${LIMITS.chainCandidates} candidate issuers were tried.`);
  return found ? { path: found, anchored: true, notes: [] } : { path: longest, anchored: false, notes };
}

/** Candidates named as the issuer, with a matching key identifier when both sides carry one. */
function issuersOf(child: pkijs.Certificate, candidates: pkijs.Certificate[], path: pkijs.Certificate[]): pkijs.Certificate[] {
  const wantedKeyId = keyIdOr(() => authorityKeyIdentifier(child));
  return candidates.filter((candidate) => {
    if (!sameName(candidate.subject, child.issuer)) return false;
    if (path.some((inPath) => sameCertificate(inPath, candidate))) return false;
    const keyId = keyIdOr(() => subjectKeyIdentifier(candidate));
    return !wantedKeyId || !keyId || bytesEqual(wantedKeyId, keyId);
  });
}

function keyIdOr(read: () => Uint8Array | undefined): Uint8Array | undefined {
  try {
    return read();
  } catch {
    return undefined; // a malformed identifier is a hint we do without; the signature decides
  }
}

/** Anchors first, then certificates valid now, each group in the order given; duplicates once. */
function orderCandidates(candidates: pkijs.Certificate[], isAnchor: (c: pkijs.Certificate) => boolean, now: Date): pkijs.Certificate[] {
  const unique = candidates.filter((c, i) => candidates.findIndex((d) => sameCertificate(c, d)) === i);
  const rank = (c: pkijs.Certificate) =>
    (isAnchor(c) ? 0 : 2) + (c.notBefore.value <= now && now <= c.notAfter.value ? 0 : 1);
  return unique.map((c, i) => ({ c, i })).sort((a, b) => rank(a.c) - rank(b.c) || a.i - b.i).map(({ c }) => c);
}

/** The certificates at `child`'s AIA caIssuers URLs (DER certificate or certs-only PKCS#7), each URL once. */
async function fetchIssuers(child: pkijs.Certificate, fetcher: PkiFetcher, fetchedUrls: Set<string>, notes: string[]): Promise<pkijs.Certificate[]> {
  let urls: string[];
  try {
    urls = authorityInfoAccessUrls(child, OID.caIssuers);
  } catch {
    notes.push(`The authority information access extension of ${displayName(child)} cannot be read.`);
    return [];
  }
  const found: pkijs.Certificate[] = [];
  for (const url of urls) {
    if (fetchedUrls.has(url)) continue;
    fetchedUrls.add(url);
    try {
      found.push(...readCertificates(await fetchPki(fetcher, { url, method: 'GET' })));
    } catch (error) {
      notes.push(`The issuer certificate at ${url} could not be used: ${isSmimeError(error) ? error.message : 'unknown error'}`);
    }
  }
  return found;
}
