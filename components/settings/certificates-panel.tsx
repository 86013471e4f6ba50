'use client';

import { useEffect, useMemo, useState } from 'react';

import { errorMessage } from '@/lib/api/client';
import type { CertbookRecord } from '@/lib/certbook/certbook-entry';
import type { CertificateSummary } from '@/lib/smime';
import { useCertbook } from '@/stores/security-stores-provider';

import { CertificateDetails } from './certificate-details';
import { CertificateImport } from './certificate-import';
import { ORIGIN_LABELS, isoDay, useCertificateSummaries } from './certificate-summaries';

const byAddress = (a: CertbookRecord, b: CertbookRecord) =>
  (a.entry.addresses[0] ?? '').localeCompare(b.entry.addresses[0] ?? '') || a.entry.firstSeen.localeCompare(b.entry.firstSeen);

/** Settings > Contacts' certificates: the certificate address book, import, details, delete. */
export function CertificatesPanel() {
  const status = useCertbook((s) => s.status);
  const loadError = useCertbook((s) => s.error);
  const records = useCertbook((s) => s.records);
  const skipped = useCertbook((s) => s.skipped);
  const load = useCertbook((s) => s.load);
  const remove = useCertbook((s) => s.remove);
  const acceptKeyChange = useCertbook((s) => s.acceptKeyChange);
  const [open, setOpen] = useState<string | null>(null);
  const [deleting, setDeleting] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    if (status === 'idle') void load();
  }, [status, load]);

  const sorted = useMemo(() => [...records].sort(byAddress), [records]);
  const certificates = useMemo(() => sorted.map((r) => r.certificate), [sorted]);
  const summaries = useCertificateSummaries(certificates);
  const find = (fingerprint: string | null) => sorted.findIndex((r) => r.entry.fingerprint === fingerprint);
  const label = (r: CertbookRecord) => r.entry.addresses.join(', ') || r.entry.fingerprint.slice(0, 16);

  async function confirmDelete(record: CertbookRecord) {
    setError(null);
    try {
      await remove(record.entry.fingerprint);
      setNotice(`Deleted the certificate of ${label(record)}.`);
      setDeleting(null);
      if (open === record.entry.fingerprint) setOpen(null);
    } catch (e) {
      setError(errorMessage(e, 'The certificate could not be deleted.'));
    }
  }

  async function accept(record: CertbookRecord) {
    setError(null);
    try {
      await acceptKeyChange(record.entry.fingerprint);
      setNotice(`Accepted the new certificate of ${label(record)}: mail to this contact can be encrypted with it.`);
    } catch (e) {
      setError(errorMessage(e, 'The certificate could not be accepted.'));
    }
  }

  const openIndex = find(open);
  const deletingIndex = find(deleting);
  return (
    <div className="certificates-panel">
      <p>
        Certificates of your contacts, for encrypting mail to them. They are added when a contact&apos;s signed mail verifies, or when you
        import them; they are kept with your mail account, so they follow you to other browsers.
      </p>
      <CertificateImport onAdded={(n) => setNotice(`Added ${n} ${n === 1 ? 'certificate' : 'certificates'} to your address book.`)} />
      <p role="status" className="certificates-status">
        {status === 'loading' && 'Loading your certificate address book…'}
        {notice}
        {skipped > 0 && ` ${skipped} stored ${skipped === 1 ? 'entry' : 'entries'} could not be read and ${skipped === 1 ? 'was' : 'were'} skipped.`}
      </p>
      {(error || (status === 'error' && loadError)) && (
        <p role="alert" className="form-error">
          {error ?? loadError}{' '}
          {status === 'error' && (
            <button type="button" onClick={() => void load()}>
              Try again
            </button>
          )}
        </p>
      )}
      {status === 'ready' && sorted.length === 0 && <p>No certificates yet.</p>}
      {sorted.length > 0 && (
        <table aria-label="Contacts' certificates" className="certificates-table">
          <thead>
            <tr>
              <th scope="col">Address</th>
              <th scope="col">Subject</th>
              <th scope="col">Issuer</th>
              <th scope="col">Valid until</th>
              <th scope="col">Origin</th>
              <th scope="col">Warning</th>
              <th scope="col">Actions</th>
            </tr>
          </thead>
          <tbody>
            {sorted.map((record, i) => (
              <CertificateRow
                key={record.entry.fingerprint}
                record={record}
                summary={summaries[i] ?? null}
                onDetails={() => setOpen(open === record.entry.fingerprint ? null : record.entry.fingerprint)}
                onDelete={() => setDeleting(record.entry.fingerprint)}
                onAccept={() => void accept(record)}
              />
            ))}
          </tbody>
        </table>
      )}
      {deletingIndex >= 0 && (
        <div role="group" aria-label="Delete certificate" className="certificate-delete">
          <p>
            Delete the certificate of {label(sorted[deletingIndex]!)} from your address book? Mail to this contact cannot be encrypted with it
            any more (you can import it again).
          </p>
          <div className="dialog-buttons">
            <button type="button" onClick={() => void confirmDelete(sorted[deletingIndex]!)}>
              Delete certificate
            </button>
            <button type="button" onClick={() => setDeleting(null)}>
              Keep it
            </button>
          </div>
        </div>
      )}
      {openIndex >= 0 && <CertificateDetails record={sorted[openIndex]!} summary={summaries[openIndex] ?? null} onClose={() => setOpen(null)} />}
    </div>
  );
}

interface CertificateRowProps {
  record: CertbookRecord;
  summary: CertificateSummary | null;
  onDetails: () => void;
  onDelete: () => void;
  /** Clears a key-change flag: the user confirmed the new certificate with the contact. */
  onAccept: () => void;
}

function CertificateRow({ record, summary, onDetails, onDelete, onAccept }: CertificateRowProps) {
  const { entry } = record;
  return (
    <tr>
      <td>{entry.addresses.join(', ') || 'none'}</td>
      <td>{summary?.subject ?? '…'}</td>
      <td>{summary?.issuer ?? '…'}</td>
      <td>{summary ? isoDay(summary.notAfter) : '…'}</td>
      <td>{ORIGIN_LABELS[entry.origin]}</td>
      <td>{entry.keyChange ? <strong title={entry.keyChange.message}>Key changed</strong> : ''}</td>
      <td>
        <button type="button" onClick={onDetails}>
          Details
        </button>{' '}
        <button type="button" onClick={onDelete}>
          Delete
        </button>
        {entry.keyChange && (
          <>
            {' '}
            <button type="button" onClick={onAccept} title="Only after you confirmed the new certificate with the contact by another way">
              Accept new key
            </button>
          </>
        )}
      </td>
    </tr>
  );
}
