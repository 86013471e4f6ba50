'use client';

import { useState } from 'react';

import type { SendResult } from '@/lib/api/types';

import { ComposeDialog } from './compose-dialog';

/** The "New message" button, its dialog, and what happened to the last message sent. */
export function ComposeLauncher({ email }: { email: string }) {
  const [open, setOpen] = useState(false);
  const [outcome, setOutcome] = useState<string | null>(null);
  const sent = (r: SendResult) => {
    setOpen(false);
    setOutcome(r.savedToSent ? 'Message sent.' : 'Message sent, but the copy could not be saved to Sent.');
  };
  return (
    <>
      <button type="button" className="compose-button" onClick={() => (setOutcome(null), setOpen(true))}>
        New message
      </button>
      {outcome && (
        <span role="status" className="send-outcome">
          {outcome}
        </span>
      )}
      {open && <ComposeDialog from={email} onClose={() => setOpen(false)} onSent={sent} />}
    </>
  );
}
