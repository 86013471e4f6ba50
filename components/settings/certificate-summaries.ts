'use client';

import type * as pkijs from 'pkijs';
import { useEffect, useState } from 'react';

import { type CertificateSummary, summarizeCertificate } from '@/lib/smime';

// Summaries (subject, issuer, validity, fingerprints, key usage) of the book's certificates for
// display, computed once per certificate object (summarizing hashes the certificate).
const summaries = new WeakMap<pkijs.Certificate, Promise<CertificateSummary | null>>();

function summaryOf(certificate: pkijs.Certificate): Promise<CertificateSummary | null> {
  let found = summaries.get(certificate);
  if (!found) {
    found = summarizeCertificate(certificate).catch(() => null);
    summaries.set(certificate, found);
  }
  return found;
}

/** The summaries of `certificates`, in order; null while computing or when one cannot be read. */
export function useCertificateSummaries(certificates: readonly pkijs.Certificate[]): (CertificateSummary | null)[] {
  const [done, setDone] = useState<{ of: readonly pkijs.Certificate[]; summaries: (CertificateSummary | null)[] } | null>(null);
  useEffect(() => {
    let current = true;
    void Promise.all(certificates.map(summaryOf)).then((s) => current && setDone({ of: certificates, summaries: s }));
    return () => {
      current = false;
    };
  }, [certificates]);
  return done?.of === certificates ? done.summaries : certificates.map(() => null);
}

/** "2027-05-01": dates as ISO days, the same in every locale. */
export const isoDay = (iso: string) => iso.slice(0, 10);

export const ORIGIN_LABELS = { harvested: 'Harvested', imported: 'Imported', directory: 'Directory' } as const;
