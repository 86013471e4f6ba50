'use client';

import type { CertbookRecord } from '@/lib/certbook/certbook-entry';
import type { CertificateSummary } from '@/lib/smime';

import { ORIGIN_LABELS, isoDay } from './certificate-summaries';

/** Everything the book knows about one certificate: the certificate's fields and where it came from. */
export function CertificateDetails({ record, summary, onClose }: { record: CertbookRecord; summary: CertificateSummary | null; onClose: () => void }) {
  const { entry } = record;
  const rows: [string, string][] = summary
    ? [
        ['Subject', summary.subject],
        ['Issuer', summary.issuer],
        ['Addresses', summary.emails.join(', ') || 'none'],
        ['Serial number', summary.serialNumber],
        ['Valid from', isoDay(summary.notBefore)],
        ['Valid until', isoDay(summary.notAfter)],
        ['Key', summary.keyAlgorithm],
        ['Key usage', summary.keyUsage.join(', ') || 'any (not restricted)'],
        ['Extended key usage', summary.extendedKeyUsage.join(', ') || 'any (not restricted)'],
        ['SHA-256 fingerprint', summary.sha256],
        ['SHA-1 fingerprint', summary.sha1],
      ]
    : [['SHA-256 fingerprint', entry.fingerprint]];
  rows.push(
    ['Origin', ORIGIN_LABELS[entry.origin]],
    ['First seen', isoDay(entry.firstSeen)],
    ['Last seen', isoDay(entry.lastSeen)],
    ['Used for encrypting to this contact', entry.isEncryptionCertificate ? 'Yes' : 'No (signing only)'],
    ['Announced capabilities', entry.capabilities?.join(', ') || 'unknown'],
  );
  return (
    <section aria-label="Certificate details" className="certificate-details">
      {entry.keyChange && (
        <p role="note" className="form-error">
          Key change warning ({isoDay(entry.keyChange.detectedAt)}): {entry.keyChange.message}
        </p>
      )}
      <dl>
        {rows.map(([term, value]) => (
          <div key={term}>
            <dt>{term}</dt>
            <dd>{value}</dd>
          </div>
        ))}
      </dl>
      <p className="certificate-note">
        A certificate in the address book is used only after your browser has checked it: issued through a root you trust,
        for this address, not expired or revoked.
      </p>
      <button type="button" onClick={onClose}>
        Close details
      </button>
    </section>
  );
}
