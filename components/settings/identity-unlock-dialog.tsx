'use client';

import { type FormEvent, useState } from 'react';

import { useIdentities } from '@/stores/security-stores-provider';

import { ModalDialog } from '../mail/modal-dialog';
import { FormError, useAction } from './identity-form-parts';

/** "Unlock your keys": the keystore passphrase, asked for once per page (until Lock now). */
export function IdentityUnlockDialog({ reason, onClose, onUnlocked }: { reason: string; onClose: () => void; onUnlocked?: () => void }) {
  const unlock = useIdentities((s) => s.unlock);
  const [passphrase, setPassphrase] = useState('');
  const { error, busy, run } = useAction();

  const onSubmit = async (event: FormEvent) => {
    event.preventDefault();
    if (await run(() => unlock(passphrase))) onUnlocked?.();
  };

  return (
    <ModalDialog title="Unlock your keys" onClose={onClose}>
      <form onSubmit={onSubmit} aria-busy={busy} className="dialog-form identity-form" noValidate>
        <p>Enter your keystore passphrase {reason}.</p>
        <label htmlFor="identity-unlock-passphrase">Keystore passphrase</label>
        <input id="identity-unlock-passphrase" type="password" data-autofocus value={passphrase} onChange={(e) => setPassphrase(e.target.value)} autoComplete="current-password" />
        <FormError error={error} />
        <div className="dialog-buttons">
          <button type="submit" disabled={busy || passphrase.length === 0}>
            {busy ? 'Unlocking…' : 'Unlock'}
          </button>
          <button type="button" onClick={onClose}>
            Cancel
          </button>
        </div>
      </form>
    </ModalDialog>
  );
}

/**
 * Answers the identity store's requestUnlock() from anywhere in the app (the reader, the
 * composer): mount it once in the mail view. The Settings panel has its own Unlock button.
 */
export function IdentityUnlockPrompt() {
  const request = useIdentities((s) => s.unlockRequest);
  const cancel = useIdentities((s) => s.cancelUnlock);
  if (!request) return null;
  return <IdentityUnlockDialog reason={request.reason} onClose={cancel} />;
}
