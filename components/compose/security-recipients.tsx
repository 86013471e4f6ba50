'use client';

import type { CertificateState } from '@/lib/compose/recipient-assessment';

import type { RecipientRow, SecurityChoices } from './use-security-choices';

const STATE_TEXT: Record<CertificateState | 'checking', string> = {
  checking: 'Checking…',
  valid: 'Valid certificate',
  expired: 'Certificate expired',
  revoked: 'Certificate revoked',
  untrusted: 'Certificate not trusted',
  'wrong-usage': 'Certificate not for encryption',
  unknown: 'Revocation status unknown',
  'weak-key': 'Key too weak',
  'wrong-address': 'Certificate for another address',
  none: 'No certificate',
  'lookup-failed': 'Look-up failed',
};

const ORIGIN_TEXT = { directory: 'from the directory', harvested: 'from signed mail', imported: 'imported' } as const;

function Row({ row, canSendUnencrypted, onChoose, disabled }: { row: RecipientRow; canSendUnencrypted: boolean; onChoose: (on: boolean) => void; disabled: boolean }) {
  const usable = row.state === 'valid';
  const blocked = !usable && row.state !== 'checking' && !row.unencrypted;
  return (
    <li className={`recipient-certificate ${usable ? 'is-valid' : blocked ? 'is-blocked' : ''}`}>
      <span className="recipient-address">
        {row.address}
        {row.field === 'bcc' ? ' (Bcc)' : ''}
      </span>{' '}
      <span className="certificate-state">{STATE_TEXT[row.state]}</span>
      {row.origin && <span className="certificate-origin">, {ORIGIN_TEXT[row.origin]}</span>}
      {!usable && row.reasons[0] && row.state !== 'checking' && <span className="certificate-reason muted"> — {row.reasons[0]}</span>}
      {!usable && row.state !== 'checking' && canSendUnencrypted && (
        <label className="send-unencrypted">
          <input type="checkbox" checked={row.unencrypted} disabled={disabled} onChange={(e) => onChoose(e.target.checked)} /> Send unencrypted to {row.address}
        </label>
      )}
    </li>
  );
}

/** One row per recipient while Encrypt is on: the certificate's state and origin, and the explicit unencrypted choice. */
export function SecurityRecipients({ security, disabled }: { security: SecurityChoices; disabled: boolean }) {
  if (!security.encrypt || security.rows.length === 0) return null;
  const canSendUnencrypted = security.policy.allowUnencryptedToRecipientsWithoutCertificate;
  const blocking = security.problems.filter((p) => p.code === 'recipient-not-encryptable').length;
  return (
    <section className="recipient-certificates" aria-label="Recipient certificates">
      <ul>
        {security.rows.map((row) => (
          <Row key={row.address} row={row} canSendUnencrypted={canSendUnencrypted} disabled={disabled} onChoose={(on) => security.chooseUnencrypted(row.address, on)} />
        ))}
      </ul>
      {blocking > 0 && (
        <p className="muted">
          {blocking === 1 ? 'One recipient has' : `${blocking} recipients have`} no usable certificate: the message cannot be sent encrypted to them
          {canSendUnencrypted ? ' unless you choose to send them an unencrypted copy.' : '. Your organisation does not allow unencrypted copies.'}
        </p>
      )}
    </section>
  );
}
