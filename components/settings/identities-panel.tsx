'use client';

import { useEffect, useState } from 'react';

import { useIdentities } from '@/stores/security-stores-provider';

import { IdentityAddressChoices } from './identity-address-choices';
import { IdentityImport } from './identity-import';
import { IdentityList } from './identity-list';
import { IdentityPassphraseSection } from './identity-passphrase-section';

/**
 * Settings, "Your certificates": the identities kept in this browser (private keys never leave
 * it), importing and exporting PKCS#12, choices per sending address and the passphrase lock.
 */
export function IdentitiesPanel() {
  const load = useIdentities((s) => s.load);
  const status = useIdentities((s) => s.status);
  const error = useIdentities((s) => s.error);
  const [notice, setNotice] = useState('');

  useEffect(() => {
    void load();
  }, [load]);

  return (
    <div className="identities-panel">
      <p className="muted">Your S/MIME certificates and private keys are kept in this browser only; the server never sees them.</p>
      <p role="status" aria-label="Certificate notices" className="identity-notice">
        {notice}
      </p>
      {status === 'loading' && <p className="muted">Loading your certificates…</p>}
      {error && (
        <p role="alert" className="form-error">
          {error}
        </p>
      )}
      <IdentityList onNotice={setNotice} />
      <IdentityImport onNotice={setNotice} />
      <IdentityAddressChoices />
      <IdentityPassphraseSection onNotice={setNotice} />
    </div>
  );
}
