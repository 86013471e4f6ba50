'use client';

import { candidatesFor, type IdentityPurpose } from '@/lib/keystore/address-choices';
import type { StoredIdentity } from '@/lib/keystore/keystore';
import type { AddressChoice } from '@/stores/identity-store';
import { useIdentities } from '@/stores/security-stores-provider';

import { day, useAction, FormError } from './identity-form-parts';

const AUTOMATIC = '';

/** Per sending address: which identity signs, and whose certificate the Sent copy is encrypted to. */
export function IdentityAddressChoices() {
  const choices = useIdentities((s) => s.choices);
  const identities = useIdentities((s) => s.identities);
  if (identities.length === 0) return null;
  return (
    <section aria-labelledby="identity-choices-heading" className="identity-section">
      <h3 id="identity-choices-heading">Certificates per address</h3>
      {choices.map((choice) => (
        <AddressChoiceFields key={choice.address} choice={choice} identities={identities} />
      ))}
    </section>
  );
}

function AddressChoiceFields({ choice, identities }: { choice: AddressChoice; identities: StoredIdentity[] }) {
  return (
    <fieldset className="identity-choice">
      <legend>{choice.address}</legend>
      <ChoiceSelect choice={choice} identities={identities} purpose="signing" label="Sign with" />
      <ChoiceSelect choice={choice} identities={identities} purpose="encryption" label="Encrypt with" />
    </fieldset>
  );
}

function ChoiceSelect({ choice, identities, purpose, label }: { choice: AddressChoice; identities: StoredIdentity[]; purpose: IdentityPurpose; label: string }) {
  const setPreference = useIdentities((s) => s.setPreference);
  const { error, busy, run } = useAction();
  const candidates = candidatesFor(
    identities.map((i) => ({ ...i, keyKind: i.key.kind })),
    choice.address,
    purpose,
  );
  const chosenId = purpose === 'signing' ? choice.preference.signingId : choice.preference.encryptionId;
  const inEffect = identities.find((i) => i.id === (purpose === 'signing' ? choice.signingId : choice.encryptionId));
  const id = `identity-${purpose}-${choice.address}`;
  return (
    <div className="identity-choice-field">
      <label htmlFor={id}>{label}</label>
      <select
        id={id}
        value={chosenId ?? AUTOMATIC}
        disabled={busy || candidates.length === 0}
        onChange={(e) => {
          const value = e.target.value === AUTOMATIC ? null : e.target.value;
          void run(() => setPreference(choice.address, purpose === 'signing' ? { signingId: value } : { encryptionId: value }));
        }}
      >
        <option value={AUTOMATIC}>{candidates.length === 0 ? 'No certificate for this address' : `Automatic (newest valid)${inEffect && !chosenId ? `: ${inEffect.label}` : ''}`}</option>
        {candidates.map((c) => (
          <option key={c.id} value={c.id}>
            {`${c.label}, valid until ${day(c.notAfter)}`}
          </option>
        ))}
      </select>
      <FormError error={error} />
    </div>
  );
}
