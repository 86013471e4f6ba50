'use client';

import { type FormEvent, useState } from 'react';

import { api, errorMessage } from '@/lib/api/client';
import type { SendResult } from '@/lib/api/types';
import { buildMessage } from '@/lib/mail/build-message';
import { parseRecipients } from '@/lib/mail/parse-recipients';

import { RecipientInput } from './recipient-input';

/**
 * A new plain-text message. The browser builds the exact bytes; the server submits them and
 * keeps the same bytes in Sent. On any failure the dialog stays open with everything typed.
 */
export function ComposeDialog({ from, onClose, onSent }: { from: string; onClose: () => void; onSent: (r: SendResult) => void }) {
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [to, setTo] = useState('');
  const [cc, setCc] = useState('');
  const [bcc, setBcc] = useState('');

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const data = new FormData(event.currentTarget);
    const field = (name: string) => String(data.get(name) ?? '');
    const to = parseRecipients(field('to'));
    const cc = parseRecipients(field('cc'));
    const bcc = parseRecipients(field('bcc'));
    const invalid = [...to.invalid, ...cc.invalid, ...bcc.invalid];
    if (invalid.length) return setError(`Not an e-mail address: ${invalid.join(', ')}`);
    if (to.addresses.length + cc.addresses.length + bcc.addresses.length === 0) return setError('Add at least one recipient.');
    setBusy(true);
    setError(null);
    try {
      const raw = buildMessage({ from: { name: '', address: from }, to: to.addresses, cc: cc.addresses, subject: field('subject'), text: field('body') });
      const envelope = [...to.addresses, ...cc.addresses, ...bcc.addresses].map((a) => a.address);
      onSent(await api.send(raw, envelope));
    } catch (e) {
      setError(errorMessage(e, 'The message could not be sent.'));
      setBusy(false);
    }
  }

  return (
    <div className="dialog-backdrop">
      <div role="dialog" aria-modal="true" aria-labelledby="compose-title" className="compose-dialog">
        <h2 id="compose-title">New message</h2>
        <form onSubmit={onSubmit} aria-busy={busy}>
          <RecipientInput id="compose-to" name="to" label="To" value={to} onChange={setTo} autoFocus />
          <RecipientInput id="compose-cc" name="cc" label="Cc" value={cc} onChange={setCc} />
          <RecipientInput id="compose-bcc" name="bcc" label="Bcc" value={bcc} onChange={setBcc} />
          <label htmlFor="compose-subject">Subject</label>
          <input id="compose-subject" name="subject" type="text" autoComplete="off" />
          <label htmlFor="compose-body">Message</label>
          <textarea id="compose-body" name="body" rows={12} />
          {error && (
            <p role="alert" className="form-error">
              {error}
            </p>
          )}
          <div className="dialog-buttons">
            <button type="submit" disabled={busy}>
              Send
            </button>
            <button type="button" onClick={onClose} disabled={busy}>
              Discard
            </button>
          </div>
        </form>
      </div>
    </div>
  );
}
