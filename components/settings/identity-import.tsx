'use client';

import { type FormEvent, useRef, useState } from 'react';

import type { Pkcs12Read } from '@/lib/keystore/pkcs12-jobs';
import { useIdentities } from '@/stores/security-stores-provider';

import { FormError, day, useAction } from './identity-form-parts';

/** Largest file read: PKCS#12 files are a few KB; anything near this is not one. */
const MAX_FILE_BYTES = 1024 * 1024;

/** Import a PKCS#12 file: choose it, give its password, see what it holds, then save. */
export function IdentityImport({ onNotice }: { onNotice: (text: string) => void }) {
  const readPkcs12 = useIdentities((s) => s.readPkcs12);
  const saveImport = useIdentities((s) => s.saveImport);
  const fileInput = useRef<HTMLInputElement>(null);
  const [file, setFile] = useState<File | null>(null);
  const [password, setPassword] = useState('');
  const [preview, setPreview] = useState<Pkcs12Read | null>(null);
  const { error, setError, busy, run } = useAction();

  const reset = () => {
    setPreview(null);
    setFile(null);
    setPassword('');
    if (fileInput.current) fileInput.current.value = '';
  };

  const onRead = async (event: FormEvent) => {
    event.preventDefault();
    setPreview(null);
    if (!file) return setError('Choose a PKCS#12 file (.p12 or .pfx).');
    if (file.size > MAX_FILE_BYTES) return setError('This file is too large to be a PKCS#12 file.');
    await run(async () => setPreview(await readPkcs12(new Uint8Array(await file.arrayBuffer()), password)), 'The file could not be read.');
  };

  const onSave = async () => {
    if (!preview) return;
    await run(async () => {
      const { saved, alreadyStored } = await saveImport(preview);
      reset();
      const parts = [saved.length > 0 ? `Saved ${saved.length === 1 ? '1 certificate' : `${saved.length} certificates`} with ${saved.length === 1 ? 'its' : 'their'} private key.` : null];
      if (alreadyStored > 0) parts.push(`${alreadyStored === 1 ? 'One was' : `${alreadyStored} were`} already stored.`);
      onNotice(parts.filter(Boolean).join(' '));
    }, 'The certificate could not be saved.');
  };

  const usable = preview ? preview.identities.length : 0;
  return (
    <section aria-labelledby="identity-import-heading" className="identity-section">
      <h3 id="identity-import-heading">Import a certificate</h3>
      <form onSubmit={onRead} aria-busy={busy} aria-label="Import a PKCS#12 file" className="identity-form" noValidate>
        <label htmlFor="identity-import-file">PKCS#12 file (.p12, .pfx)</label>
        <input
          id="identity-import-file"
          ref={fileInput}
          type="file"
          accept=".p12,.pfx,application/x-pkcs12"
          onChange={(e) => {
            setFile(e.target.files?.[0] ?? null);
            setPreview(null);
          }}
        />
        <label htmlFor="identity-import-password">File password</label>
        <input id="identity-import-password" type="password" value={password} onChange={(e) => setPassword(e.target.value)} autoComplete="off" />
        {busy && !preview && (
          <p role="status" className="muted">
            Reading the file…
          </p>
        )}
        <FormError error={error} />
        <div className="dialog-buttons">
          <button type="submit" disabled={busy}>
            Read file
          </button>
        </div>
      </form>
      {preview && (
        <section aria-label="File contents" data-import-via={preview.via} className="identity-preview">
          <h4>This file holds</h4>
          <ul>
            {preview.certificates.map((c, i) => (
              <li key={i} aria-label={c.subject}>
                <strong>{c.subject}</strong> {c.hasKey ? '(with its private key)' : c.isCa ? '(issuer certificate)' : '(certificate only)'}
                <dl className="identity-facts">
                  <dt>Addresses</dt>
                  <dd>{c.emails.join(', ') || 'none'}</dd>
                  <dt>Issuer</dt>
                  <dd>{c.issuer}</dd>
                  <dt>Valid</dt>
                  <dd>
                    {day(c.notBefore)} to {day(c.notAfter)}
                  </dd>
                  <dt>Key type</dt>
                  <dd>{c.keyAlgorithm}</dd>
                </dl>
              </li>
            ))}
          </ul>
          {preview.keysWithoutCertificate > 0 && <p className="muted">{preview.keysWithoutCertificate} private key(s) without their certificate will not be saved.</p>}
          {usable === 0 && <p role="alert">This file holds no private key with its certificate, so there is nothing to save.</p>}
          <div className="dialog-buttons">
            <button type="button" className="primary" disabled={busy || usable === 0} onClick={onSave}>
              Save
            </button>
            <button type="button" onClick={reset}>
              Discard
            </button>
          </div>
        </section>
      )}
    </section>
  );
}
