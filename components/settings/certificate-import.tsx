'use client';

import { type ChangeEvent, useRef, useState } from 'react';

import { errorMessage } from '@/lib/api/client';
import { ImportFileError, type ImportPlan, MAX_IMPORT_FILE_BYTES } from '@/lib/certbook/import-plan';
import { useCertbook } from '@/stores/security-stores-provider';

import { isoDay } from './certificate-summaries';

const ACCEPT = '.cer,.crt,.der,.pem,.p7b,.p7c,application/pkix-cert,application/pkcs7-mime,application/x-x509-ca-cert,application/x-pkcs7-certificates';

/** Import a contact's certificate by hand: choose a file, see what it holds, then add it. */
export function CertificateImport({ onAdded }: { onAdded: (count: number) => void }) {
  const planImport = useCertbook((s) => s.planImport);
  const addImported = useCertbook((s) => s.addImported);
  const [plan, setPlan] = useState<{ file: string; plan: ImportPlan } | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const input = useRef<HTMLInputElement>(null);

  async function chosen(event: ChangeEvent<HTMLInputElement>) {
    const file = event.target.files?.[0];
    setPlan(null);
    setError(null);
    if (!file) return;
    if (file.size > MAX_IMPORT_FILE_BYTES) {
      setError(`${file.name} is larger than ${MAX_IMPORT_FILE_BYTES / 1024} kB: it is not a certificate file.`);
      return;
    }
    try {
      setPlan({ file: file.name, plan: await planImport(new Uint8Array(await file.arrayBuffer())) });
    } catch (e) {
      setError(e instanceof ImportFileError ? `${file.name}: ${e.message}` : errorMessage(e, `${file.name} could not be read.`));
    }
  }

  function reset() {
    setPlan(null);
    if (input.current) input.current.value = '';
  }

  async function add() {
    if (!plan) return;
    setBusy(true);
    setError(null);
    try {
      const count = await addImported(plan.plan.add);
      reset();
      onAdded(count);
    } catch (e) {
      setError(errorMessage(e, 'The certificate could not be saved in your address book.'));
    } finally {
      setBusy(false);
    }
  }

  return (
    <div className="certificate-import">
      <label>
        Import a contact&apos;s certificate (.cer, .crt, .pem, .p7b, .p7c){' '}
        <input ref={input} type="file" aria-label="Import certificate file" accept={ACCEPT} onChange={(e) => void chosen(e)} />
      </label>
      {error && (
        <p role="alert" className="form-error">
          {error}
        </p>
      )}
      {plan && (
        <section aria-label="Certificates to import" className="certificate-import-plan">
          {plan.plan.add.length === 0 ? (
            <p>{plan.file} holds no certificate to add.</p>
          ) : (
            <>
              <p>
                {plan.file}: {plan.plan.add.length === 1 ? 'this certificate' : `these ${plan.plan.add.length} certificates`} will be added:
              </p>
              <ul>
                {plan.plan.add.map((c) => (
                  <li key={c.fingerprint}>
                    {c.summary.emails.join(', ')}: {c.summary.subject}, issued by {c.summary.issuer}, valid until {isoDay(c.summary.notAfter)}
                  </li>
                ))}
              </ul>
            </>
          )}
          {plan.plan.skipped.length > 0 && (
            <>
              <p>Left out:</p>
              <ul aria-label="Left out">
                {plan.plan.skipped.map((s, i) => (
                  <li key={i}>
                    {s.subject}: {s.reason}
                  </li>
                ))}
              </ul>
            </>
          )}
          <div className="dialog-buttons">
            {plan.plan.add.length > 0 && (
              <button type="button" disabled={busy} onClick={() => void add()}>
                Add to address book
              </button>
            )}
            <button type="button" disabled={busy} onClick={reset}>
              Cancel import
            </button>
          </div>
        </section>
      )}
    </div>
  );
}
