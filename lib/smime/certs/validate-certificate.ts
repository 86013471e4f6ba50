// Is this certificate trusted for signing or encryption? Builds a path to the configured anchors
// (build-path.ts), checks it offline (check-path.ts), then asks about revocation
// (check-revocation.ts), and gives one verdict with every reason. Nothing the server relays
// decides trust: fetched certificates are only candidates, CRLs and OCSP answers are verified.
import type * as pkijs from 'pkijs';

import type { ChainVerdict, RevocationReport } from '../report';
import { buildPath } from './build-path';
import { day, checkPath, type PathProblem } from './check-path';
import { checkPathRevocation, summarizeRevocation, type CrlCache } from './check-revocation';
import { parseCrl } from './crl-status';
import type { PkiFetcher } from './pki-fetcher';

export interface TrustSettings {
  /** The only roots trusted (organisation + user). */
  anchors: pkijs.Certificate[];
  /** Local cache of intermediates. */
  knownCertificates?: pkijs.Certificate[];
  /** null/absent: no network (no AIA, no CRL/OCSP fetch). */
  fetcher?: PkiFetcher | null;
  /** soft-fail: unknown status does not fail the chain; hard-fail: it does (verdict 'unknown'). */
  revocation: 'off' | 'soft-fail' | 'hard-fail';
  now?: Date;
}

export interface ValidateOptions {
  purpose: 'signing' | 'encryption';
  /** Intermediates carried in the message (never trusted as anchors, even if self-signed). */
  messageCertificates?: pkijs.Certificate[];
  /** Validity is checked at signing time AND now. */
  signingTime?: Date | null;
  /** CRLs carried in the message (verified before use). */
  crls?: Uint8Array[];
}

export interface CertificateValidation {
  verdict: ChainVerdict;
  /** Plain sentences, e.g. "The certificate expired on 2025-01-01.", "No trusted root certificate issued this chain." */
  reasons: string[];
  /** End entity first, anchor last (when found). */
  path: pkijs.Certificate[];
  revocation: RevocationReport;
}

// Most severe first. Revoked: the issuer has said outright that the key must not be trusted,
// which no other finding softens. Untrusted root: nobody we trust vouches for the holder, so the
// remaining checks have nothing to stand on. Expired: vouched for, but that statement has lapsed
// (or did not cover the signing time). Wrong usage: a valid identity, but not for this purpose.
// Unknown: only that revocation could not be confirmed (hard-fail).
const SEVERITY: Exclude<ChainVerdict, 'trusted'>[] = ['revoked', 'untrusted-root', 'expired', 'wrong-usage', 'unknown'];

const crlCaches = new WeakMap<TrustSettings, CrlCache>();

export async function validateCertificate(
  certificate: pkijs.Certificate,
  options: ValidateOptions,
  trust: TrustSettings,
): Promise<CertificateValidation> {
  const now = trust.now ?? new Date();
  const fetcher = trust.fetcher ?? null;
  const built = await buildPath(certificate, {
    anchors: trust.anchors,
    intermediates: [...(options.messageCertificates ?? []), ...(trust.knownCertificates ?? [])],
    fetcher,
    now,
  });
  const problems = await checkPath(built.path, built.anchored, { purpose: options.purpose, now, signingTime: options.signingTime });
  if (!built.anchored) problems.push(...built.notes.map((reason): PathProblem => ({ verdict: 'untrusted-root', reason })));

  let revocation: RevocationReport = { status: 'not-checked' };
  // Only a path that validly reaches an anchor is worth asking about: the URLs of an untrusted
  // chain are the sender's to choose, and fetching them would tell the sender we read the mail.
  const worthChecking = built.anchored && !problems.some((p) => p.verdict === 'untrusted-root');
  if (trust.revocation !== 'off' && worthChecking) {
    const results = await checkPathRevocation(built.path, {
      fetcher,
      messageCrls: readableCrls(options.crls ?? []),
      crlCache: cacheFor(trust),
      now,
    });
    revocation = summarizeRevocation(results, now);
    problems.push(...revocationProblems(revocation, results, options.signingTime, trust.revocation));
  }

  const verdict = SEVERITY.find((severity) => problems.some((p) => p.verdict === severity)) ?? 'trusted';
  const reasons = SEVERITY.flatMap((severity) => problems.filter((p) => p.verdict === severity).map((p) => p.reason));
  return { verdict, reasons: [...new Set(reasons)], path: built.path, revocation };
}

function revocationProblems(
  report: RevocationReport,
  results: Awaited<ReturnType<typeof checkPathRevocation>>,
  signingTime: Date | null | undefined,
  mode: TrustSettings['revocation'],
): PathProblem[] {
  if (report.status === 'revoked') {
    const problems: PathProblem[] = [{ verdict: 'revoked', reason: report.reason ?? 'A certificate in the chain was revoked.' }];
    const revokedAt = results.find((r) => r.answer.status === 'revoked')?.answer;
    // The signing time is the signer's claim, so a later revocation still counts; we only say so.
    if (signingTime && revokedAt?.status === 'revoked' && revokedAt.revokedAt > signingTime) {
      problems.push({ verdict: 'revoked', reason: `It was revoked after the message says it was signed (${day(signingTime)}); that signing time is the signer's own claim.` });
    }
    return problems;
  }
  if (report.status === 'unknown' && mode === 'hard-fail') {
    return [{ verdict: 'unknown', reason: `The revocation status could not be checked: ${report.reason ?? 'no source answered.'}` }];
  }
  return [];
}

/** The message's CRLs that parse; the others are ignored (they are the sender's, untrusted). */
function readableCrls(crls: Uint8Array[]): pkijs.CertificateRevocationList[] {
  return crls.flatMap((der) => {
    try {
      return [parseCrl(der)];
    } catch {
      return [];
    }
  });
}

function cacheFor(trust: TrustSettings): CrlCache {
  let cache = crlCaches.get(trust);
  if (!cache) crlCaches.set(trust, (cache = new Map()));
  return cache;
}
