'use client';

import { type FormEvent, useState } from 'react';

import type { StoredIdentity } from '@/lib/keystore/keystore';
import { useIdentities } from '@/stores/security-stores-provider';

import { FormError, day, downloadBytes, useAction } from './identity-form-parts';

type Action = 'rename' | 'export' | 'delete' | null;

/** The stored identities, newest first, each with Rename, Export and Delete. */
export function IdentityList({ onNotice }: { onNotice: (text: string) => void }) {
  const identities = useIdentities((s) => s.identities);
  const status = useIdentities((s) => s.status);
  if (status !== 'ready' && identities.length === 0) return null;
  if (identities.length === 0) return <p className="muted">No certificates yet. Import a PKCS#12 file (.p12 or .pfx) below.</p>;
  return (
    <ul aria-label="Stored certificates" className="identity-list">
      {identities.map((identity) => (
        <IdentityItem key={identity.id} identity={identity} onNotice={onNotice} />
      ))}
    </ul>
  );
}

function IdentityItem({ identity, onNotice }: { identity: StoredIdentity; onNotice: (text: string) => void }) {
  const [action, setAction] = useState<Action>(null);
  // When the settings opened: validity is read once, not on every render.
  const [openedAt] = useState(() => Date.now());
  const expired = identity.notAfter.getTime() < openedAt;
  const done = (text: string) => {
    setAction(null);
    onNotice(text);
  };
  return (
    <li aria-label={identity.label} className="identity-item">
      <h4>{identity.label}</h4>
      <dl className="identity-facts">
        <dt>Address</dt>
        <dd>{identity.addresses.join(', ') || 'none'}</dd>
        <dt>Issuer</dt>
        <dd>{identity.issuer}</dd>
        <dt>{expired ? 'Expired on' : 'Valid until'}</dt>
        <dd>{day(identity.notAfter)}</dd>
        <dt>Key type</dt>
        <dd>{identity.keyAlgorithm}</dd>
      </dl>
      <div className="identity-actions">
        <button type="button" aria-expanded={action === 'rename'} onClick={() => setAction(action === 'rename' ? null : 'rename')}>
          Rename
        </button>
        <button type="button" aria-expanded={action === 'export'} onClick={() => setAction(action === 'export' ? null : 'export')}>
          Export
        </button>
        <button type="button" aria-expanded={action === 'delete'} onClick={() => setAction(action === 'delete' ? null : 'delete')}>
          Delete
        </button>
      </div>
      {action === 'rename' && <RenameForm identity={identity} onDone={done} onCancel={() => setAction(null)} />}
      {action === 'export' && <ExportForm identity={identity} onDone={done} onCancel={() => setAction(null)} />}
      {action === 'delete' && <DeleteConfirm identity={identity} onDone={done} onCancel={() => setAction(null)} />}
    </li>
  );
}

interface FormProps {
  identity: StoredIdentity;
  onDone: (notice: string) => void;
  onCancel: () => void;
}

function RenameForm({ identity, onDone, onCancel }: FormProps) {
  const rename = useIdentities((s) => s.rename);
  const [label, setLabel] = useState(identity.label);
  const { error, busy, run } = useAction();
  const onSubmit = async (event: FormEvent) => {
    event.preventDefault();
    if (await run(() => rename(identity.id, label))) onDone(`Renamed to "${label.trim()}".`);
  };
  return (
    <form onSubmit={onSubmit} aria-busy={busy} aria-label="Rename certificate" className="identity-form" noValidate>
      <label htmlFor={`identity-name-${identity.id}`}>Name</label>
      <input id={`identity-name-${identity.id}`} value={label} onChange={(e) => setLabel(e.target.value)} autoComplete="off" autoFocus />
      <FormError error={error} />
      <div className="dialog-buttons">
        <button type="submit" disabled={busy}>
          Save name
        </button>
        <button type="button" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}

function ExportForm({ identity, onDone, onCancel }: FormProps) {
  const exportPkcs12 = useIdentities((s) => s.exportPkcs12);
  const [password, setPassword] = useState('');
  const [repeat, setRepeat] = useState('');
  const { error, setError, busy, run } = useAction();
  const onSubmit = async (event: FormEvent) => {
    event.preventDefault();
    if (password.length === 0) return setError('Choose a password to protect the exported file.');
    if (password !== repeat) return setError('The two passwords differ.');
    const filename = `${identity.label.replace(/[^\p{L}\p{N} ._-]+/gu, '_').trim() || 'certificate'}.p12`;
    const ok = await run(async () => downloadBytes(await exportPkcs12(identity.id, password), filename, 'application/x-pkcs12'));
    if (ok) onDone(`Exported ${filename}.`);
  };
  return (
    <form onSubmit={onSubmit} aria-busy={busy} aria-label="Export certificate" className="identity-form" noValidate>
      <p className="muted">The file holds your private key, protected by this password. Keep both safe.</p>
      <label htmlFor={`identity-export-password-${identity.id}`}>Password for the file</label>
      <input id={`identity-export-password-${identity.id}`} type="password" value={password} onChange={(e) => setPassword(e.target.value)} autoComplete="new-password" autoFocus />
      <label htmlFor={`identity-export-repeat-${identity.id}`}>Repeat password</label>
      <input id={`identity-export-repeat-${identity.id}`} type="password" value={repeat} onChange={(e) => setRepeat(e.target.value)} autoComplete="new-password" />
      <FormError error={error} />
      <div className="dialog-buttons">
        <button type="submit" disabled={busy}>
          {busy ? 'Exporting…' : 'Export file'}
        </button>
        <button type="button" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}

function DeleteConfirm({ identity, onDone, onCancel }: FormProps) {
  const remove = useIdentities((s) => s.remove);
  const { error, busy, run } = useAction();
  return (
    <div role="group" aria-label="Confirm delete" className="identity-form">
      <p>Delete “{identity.label}” and its private key from this browser? Mail encrypted to this certificate can no longer be read here unless you import it again.</p>
      <FormError error={error} />
      <div className="dialog-buttons">
        <button
          type="button"
          className="danger"
          disabled={busy}
          onClick={async () => {
            if (await run(() => remove(identity.id))) onDone(`Deleted "${identity.label}".`);
          }}
        >
          Delete for good
        </button>
        <button type="button" onClick={onCancel} autoFocus>
          Cancel
        </button>
      </div>
    </div>
  );
}
