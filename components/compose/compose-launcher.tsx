'use client';

import { useEffect } from 'react';

import { api } from '@/lib/api/client';
import type { ProtectedSendResult, SendResult } from '@/lib/api/types';
import { useCompose, useFolders, useMessageList } from '@/stores/mail-stores-provider';

import { ComposeDialog } from './compose-dialog';

/** What happened, in words: every copy that was not sent is named with its recipients, never hidden. */
export function sentOutcome(r: SendResult | ProtectedSendResult): string {
  const parts = [r.savedToSent ? 'Message sent.' : 'Message sent, but the copy could not be saved to Sent.'];
  const refused = 'separate' in r ? r.separate.filter((c) => !c.sent) : [];
  for (const copy of refused) parts.push(`Not sent to ${copy.to.join(', ')}: ${copy.error?.message ?? 'the copy was refused.'}`);
  return parts.join(' ');
}

/** The "New message" button, the open composer, and what happened to the last message sent. */
export function ComposeLauncher({ email }: { email: string }) {
  const request = useCompose((s) => s.request);
  const outcome = useCompose((s) => s.outcome);
  const displayName = useCompose((s) => s.displayName);
  const openCompose = useCompose((s) => s.openCompose);
  const closeCompose = useCompose((s) => s.close);
  const folders = useFolders((s) => s.folders);
  const loadFolders = useFolders((s) => s.load);
  const listFolder = useMessageList((s) => s.folder);
  const openList = useMessageList((s) => s.open);
  // Drafts and Sent change under a composer: show them as they now are.
  const setDisplayName = useCompose((s) => s.setDisplayName);
  // The user's name for From, from their own directory entry when there is one (else From is
  // the bare address).
  useEffect(() => {
    const controller = new AbortController();
    api.contacts(email, controller.signal).then(
      (r) => {
        const me = r.suggestions.find((c) => c.source === 'directory' && c.name && c.address.toLowerCase() === email.toLowerCase());
        if (me) setDisplayName(me.name);
      },
      () => undefined,
    );
    return () => controller.abort();
  }, [email, setDisplayName]);

  const close = (outcome?: string) => {
    closeCompose(outcome);
    const open = folders.find((f) => f.path === listFolder);
    if (open && (open.specialUse === 'drafts' || open.specialUse === 'sent')) void openList(open.path);
    void loadFolders();
  };
  const sent = (r: SendResult | ProtectedSendResult) => close(sentOutcome(r));
  return (
    <>
      <button type="button" className="compose-button" onClick={() => openCompose({ mode: 'new' })}>
        New message
      </button>
      {outcome && (
        <span role="status" className="send-outcome">
          {outcome}
        </span>
      )}
      {request && (
        <ComposeDialog
          // A new request (another message answered) starts a new composer.
          key={`${request.mode}:${request.source?.folder ?? ''}:${request.source?.uid ?? ''}`}
          mode={request.mode}
          source={request.source}
          sourceEncrypted={request.sourceEncrypted ?? false}
          from={{ name: displayName, address: email }}
          onClose={close}
          onSent={sent}
        />
      )}
    </>
  );
}
