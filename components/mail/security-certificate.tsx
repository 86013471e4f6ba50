import { formatDate, formatFingerprint } from '@/lib/reading/security-details';
import type { CertificateSummary } from '@/lib/smime';

const list = (values: string[]) => (values.length ? values.join(', ') : '(none)');

/** One certificate's fields, as the details view lists them for every certificate in a chain. */
export function SecurityCertificate({ certificate: c, label }: { certificate: CertificateSummary; label: string }) {
  return (
    <section className="security-certificate" aria-label={`${label}: ${c.subject}`}>
      <h4>{label}</h4>
      <dl>
        <dt>Subject</dt>
        <dd>{c.subject}</dd>
        <dt>Issuer</dt>
        <dd>{c.issuer}</dd>
        {c.emails.length > 0 && (
          <>
            <dt>Addresses</dt>
            <dd>{c.emails.join(', ')}</dd>
          </>
        )}
        <dt>Valid from</dt>
        <dd>{formatDate(c.notBefore)}</dd>
        <dt>Valid until</dt>
        <dd>{formatDate(c.notAfter)}</dd>
        <dt>Serial number</dt>
        <dd className="mono">{c.serialNumber}</dd>
        <dt>SHA-1 fingerprint</dt>
        <dd className="mono">{formatFingerprint(c.sha1)}</dd>
        <dt>SHA-256 fingerprint</dt>
        <dd className="mono">{formatFingerprint(c.sha256)}</dd>
        <dt>Key</dt>
        <dd>{c.keyAlgorithm}</dd>
        <dt>Key usage</dt>
        <dd>{list(c.keyUsage)}</dd>
        <dt>Extended key usage</dt>
        <dd>{list(c.extendedKeyUsage)}</dd>
        {(c.isCa || c.selfSigned) && (
          <>
            <dt>Kind</dt>
            <dd>{[c.isCa ? 'Certificate authority' : null, c.selfSigned ? 'self-signed' : null].filter(Boolean).join(', ')}</dd>
          </>
        )}
      </dl>
    </section>
  );
}
