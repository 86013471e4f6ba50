'use client';

import { useRef } from 'react';

import type { MailAddress, ProtectedSendResult, SendResult } from '@/lib/api/types';
import type { ComposeStart } from '@/lib/mail/compose-fields';

import { ComposeForm } from './compose-form';
import { useComposeSecurity } from './security-context';
import { useComposeStart } from './use-compose-start';
import { useFocusTrap } from './use-focus-trap';

const TITLES: Record<ComposeStart, string> = {
  new: 'New message',
  reply: 'Reply',
  replyAll: 'Reply all',
  forward: 'Forward',
  forwardAsAttachment: 'Forward as attachment',
  draft: 'Edit draft',
};

/**
 * The composer as a modal dialog named for what it does ("New message", "Reply", …). Answers
 * and forwards start from the original's raw bytes, fetched and parsed here.
 */
export function ComposeDialog({
  mode,
  source,
  from,
  sourceEncrypted = false,
  onClose,
  onSent,
}: {
  mode: ComposeStart;
  source?: { folder: string; uid: number };
  from: MailAddress;
  /** The message answered was encrypted (the reader knows): the answer starts encrypted. */
  sourceEncrypted?: boolean;
  onClose: (outcome?: string) => void;
  onSent: (r: SendResult | ProtectedSendResult) => void;
}) {
  const start = useComposeStart(mode, source, from.address, useComposeSecurity());
  const dialog = useRef<HTMLDivElement>(null);
  const trapTab = useFocusTrap(dialog);
  return (
    <div className="dialog-backdrop">
      <div ref={dialog} role="dialog" aria-modal="true" aria-labelledby="compose-title" className="compose-dialog" onKeyDown={trapTab}>
        <h2 id="compose-title">{TITLES[mode]}</h2>
        {start.state === 'loading' && <p className="muted">Loading the original message…</p>}
        {start.state === 'error' && (
          <>
            <p role="alert" className="form-error">
              {start.message}
            </p>
            <div className="dialog-buttons">
              <button type="button" autoFocus onClick={() => onClose()}>
                Close
              </button>
            </div>
          </>
        )}
        {start.state === 'ready' && (
          <ComposeForm
            from={from}
            initial={start.fields}
            draftUid={start.draftUid}
            focusBody={mode === 'reply' || mode === 'replyAll'}
            startEncrypted={sourceEncrypted || start.encrypted}
            hideSubject={start.subjectHidden}
            onClose={onClose}
            onSent={onSent}
          />
        )}
      </div>
    </div>
  );
}
