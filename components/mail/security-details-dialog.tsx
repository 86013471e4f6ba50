'use client';

import { useMemo } from 'react';

import { policyReasons } from '@/lib/reading/security-banner';
import { chainVerdictText, formatDate, revocationText, securityDetails } from '@/lib/reading/security-details';
import type { CertificateSummary, MessageReport } from '@/lib/smime';
import type { ReaderSecurity } from '@/stores/reader-store';

import { ModalDialog } from './modal-dialog';
import { SecurityCertificate } from './security-certificate';

const chainLabel = (index: number, c: CertificateSummary) => (index === 0 ? 'Signer certificate' : c.selfSigned ? 'Root certificate' : 'Issuer certificate');

/** Every signer and every certificate of its chain, and the certificates that opened the message. */
export function SecurityDetailsDialog({
  report,
  security,
  onCheckNow,
  onClose,
}: {
  report: MessageReport;
  security: ReaderSecurity;
  onCheckNow: () => void;
  onClose: () => void;
}) {
  const details = useMemo(() => securityDetails(report, security.decryptedFor), [report, security.decryptedFor]);
  return (
    <ModalDialog title="Security details" onClose={onClose} className="security-details">
      <div className="security-details-body">
        {details.signers.length === 0 && details.decryptedFor.length === 0 && details.carried.length === 0 && <p>This message carries no signature or certificate.</p>}
        {details.signers.map((s, i) => (
          <section key={i} className="security-signer" aria-label={`Signature by ${s.signer}`}>
            <h3>
              Signature by {s.signer} <span className="muted">({s.scope.toLowerCase()})</span>
            </h3>
            <dl>
              <dt>Signature</dt>
              <dd>{s.signature.intact ? 'Intact: the content is what was signed.' : 'Broken: the content was changed after signing.'}</dd>
              <dt>Trust</dt>
              <dd>{chainVerdictText(s.signature.chain)}</dd>
              <dt>Sender</dt>
              <dd>{s.signature.fromMatchesSigner ? 'The certificate names the From address.' : 'The certificate does not name the From address.'}</dd>
              <dt>Algorithm</dt>
              <dd>
                {s.signature.algorithm}
                {s.signature.weakAlgorithm ? ' (weak)' : ''}
              </dd>
              {s.signature.signingTime && (
                <>
                  <dt>Signing time (claimed)</dt>
                  <dd>{formatDate(s.signature.signingTime)}</dd>
                </>
              )}
              <dt>Revocation</dt>
              <dd>{revocationText(s.signature.revocation)}</dd>
              {security.policy && (
                <>
                  <dt>Policy</dt>
                  <dd>{policyReasons(s.signature, security.policy).join(' ') || "Accepted by your organisation's policy."}</dd>
                </>
              )}
            </dl>
            {s.signature.reasons.length > 0 && (
              <ul className="security-reasons">
                {s.signature.reasons.map((r) => (
                  <li key={r}>{r}</li>
                ))}
              </ul>
            )}
            {s.chain.map((c, j) => (
              <SecurityCertificate key={c.sha256} certificate={c} label={chainLabel(j, c)} />
            ))}
          </section>
        ))}
        {details.decryptedFor.length > 0 && (
          <section aria-label="Decrypted with">
            <h3>Decrypted with your certificate</h3>
            {details.decryptedFor.map((c) => (
              <SecurityCertificate key={c.sha256} certificate={c} label="Your certificate" />
            ))}
          </section>
        )}
        {details.carried.length > 0 && (
          <section aria-label="Certificates carried">
            <h3>Certificates carried by the message</h3>
            {details.carried.map((c) => (
              <SecurityCertificate key={c.sha256} certificate={c} label="Certificate" />
            ))}
          </section>
        )}
      </div>
      <div className="dialog-buttons">
        {details.signers.length > 0 && (
          <button type="button" onClick={onCheckNow} disabled={security.checking}>
            {security.checking ? 'Checking…' : 'Check certificate now'}
          </button>
        )}
        <button type="button" onClick={onClose} data-autofocus>
          Close
        </button>
      </div>
    </ModalDialog>
  );
}
