'use client';

import { type FormEvent, useState } from 'react';

import { useIdentities } from '@/stores/security-stores-provider';

import { FormError, useAction } from './identity-form-parts';
import { IdentityUnlockDialog } from './identity-unlock-dialog';

type Form = 'set' | 'change' | 'remove' | null;

/** The keystore passphrase (like Thunderbird's primary password): set, change, remove, lock, unlock. */
export function IdentityPassphraseSection({ onNotice }: { onNotice: (text: string) => void }) {
  const protection = useIdentities((s) => s.protection);
  const locked = useIdentities((s) => s.locked);
  const lock = useIdentities((s) => s.lock);
  const [form, setForm] = useState<Form>(null);
  const [unlocking, setUnlocking] = useState(false);

  const state =
    protection === 'device'
      ? 'No passphrase: your private keys are protected by this browser only.'
      : locked
        ? 'Protected by a passphrase. Locked: enter it to sign or decrypt.'
        : 'Protected by a passphrase. Unlocked until you lock or leave this page.';

  return (
    <section aria-labelledby="identity-passphrase-heading" className="identity-section">
      <h3 id="identity-passphrase-heading">Keystore passphrase</h3>
      <p role="status" aria-label="Keystore state">
        {state}
      </p>
      <div className="identity-actions">
        {protection === 'device' ? (
          <button type="button" onClick={() => setForm('set')}>
            Set passphrase
          </button>
        ) : (
          <>
            <button type="button" onClick={() => setForm('change')}>
              Change passphrase
            </button>
            <button type="button" onClick={() => setForm('remove')}>
              Remove passphrase
            </button>
            {locked ? (
              <button type="button" onClick={() => setUnlocking(true)}>
                Unlock
              </button>
            ) : (
              <button
                type="button"
                onClick={() => {
                  void lock().then(() => onNotice('Your keys are locked.'));
                }}
              >
                Lock now
              </button>
            )}
          </>
        )}
      </div>
      {form && (
        <PassphraseForm
          key={form}
          kind={form}
          onDone={(text) => {
            setForm(null);
            onNotice(text);
          }}
          onCancel={() => setForm(null)}
        />
      )}
      {unlocking && (
        <IdentityUnlockDialog
          reason="to use your keys"
          onClose={() => setUnlocking(false)}
          onUnlocked={() => {
            setUnlocking(false);
            onNotice('Your keys are unlocked.');
          }}
        />
      )}
    </section>
  );
}

const TITLES = { set: 'Set a keystore passphrase', change: 'Change the keystore passphrase', remove: 'Remove the keystore passphrase' } as const;

function PassphraseForm({ kind, onDone, onCancel }: { kind: Exclude<Form, null>; onDone: (notice: string) => void; onCancel: () => void }) {
  const setPassphrase = useIdentities((s) => s.setPassphrase);
  const changePassphrase = useIdentities((s) => s.changePassphrase);
  const removePassphrase = useIdentities((s) => s.removePassphrase);
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [repeat, setRepeat] = useState('');
  const { error, setError, busy, run } = useAction();

  const onSubmit = async (event: FormEvent) => {
    event.preventDefault();
    if (kind !== 'remove' && next !== repeat) return setError('The two new passphrases differ.');
    const ok = await run(() => (kind === 'set' ? setPassphrase(next) : kind === 'change' ? changePassphrase(current, next) : removePassphrase(current)));
    if (ok) onDone(kind === 'set' ? 'Passphrase set. Your keys are now sealed under it.' : kind === 'change' ? 'Passphrase changed.' : 'Passphrase removed.');
  };

  return (
    <form onSubmit={onSubmit} aria-busy={busy} aria-label={TITLES[kind]} className="identity-form" noValidate>
      {kind === 'set' && <p className="muted">Without it your keys cannot be used, and it cannot be recovered. At least 8 characters.</p>}
      {kind !== 'set' && (
        <>
          <label htmlFor="identity-current-passphrase">Current passphrase</label>
          <input id="identity-current-passphrase" type="password" value={current} onChange={(e) => setCurrent(e.target.value)} autoComplete="current-password" autoFocus />
        </>
      )}
      {kind !== 'remove' && (
        <>
          <label htmlFor="identity-new-passphrase">New passphrase</label>
          <input id="identity-new-passphrase" type="password" value={next} onChange={(e) => setNext(e.target.value)} autoComplete="new-password" autoFocus={kind === 'set'} />
          <label htmlFor="identity-repeat-passphrase">Repeat new passphrase</label>
          <input id="identity-repeat-passphrase" type="password" value={repeat} onChange={(e) => setRepeat(e.target.value)} autoComplete="new-password" />
        </>
      )}
      <FormError error={error} />
      <div className="dialog-buttons">
        <button type="submit" disabled={busy}>
          {busy ? 'Working…' : kind === 'remove' ? 'Confirm removal' : 'Save passphrase'}
        </button>
        <button type="button" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}
