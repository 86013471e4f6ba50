'use client';

import { useState } from 'react';

import { type SendPreferences, readSendPreferences, writeSendPreferences } from '@/lib/compose/send-preferences';
import { useSecurityStores } from '@/stores/security-stores-provider';

/** Settings → Sending: the user's Sign and Encrypt defaults and the signing format (kept in this browser). */
export function SendingPanel() {
  const { email } = useSecurityStores();
  const [preferences, setPreferences] = useState(() => readSendPreferences(globalThis.localStorage, email));
  const change = (update: Partial<SendPreferences>) => {
    const next = { ...preferences, ...update };
    writeSendPreferences(globalThis.localStorage, email, next);
    setPreferences(next);
  };
  return (
    <section aria-label="Sending defaults" className="sending-panel">
      <p className="muted">For new messages. Your organisation&apos;s policy (the Policy tab) can require more.</p>
      <label>
        <input type="checkbox" checked={preferences.signByDefault} onChange={(e) => change({ signByDefault: e.target.checked })} /> Sign new messages
      </label>
      <label>
        <input type="checkbox" checked={preferences.encryptByDefault} onChange={(e) => change({ encryptByDefault: e.target.checked })} /> Encrypt new
        messages
      </label>
      <fieldset>
        <legend>Signing format</legend>
        {(
          [
            [null, "Your organisation's default"],
            ['clear', 'Clear-signed: readable in any mail program'],
            ['opaque', 'Opaque: readable only with S/MIME, survives servers that alter mail'],
          ] as const
        ).map(([format, label]) => (
          <label key={format ?? 'default'}>
            <input type="radio" name="signing-format" checked={preferences.signingFormat === format} onChange={() => change({ signingFormat: format })} /> {label}
          </label>
        ))}
      </fieldset>
    </section>
  );
}
