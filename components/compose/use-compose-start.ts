'use client';

import { useEffect, useState } from 'react';

import { api, errorMessage } from '@/lib/api/client';
import { type ComposeFields, type ComposeStart, emptyFields, startFields } from '@/lib/mail/compose-fields';
import { MessageParseError, parseMessage } from '@/lib/mail/parse-message';

import { SourceUnreadableError, openSource } from './open-source';
import type { ComposeSecurity } from './security-context';

export type ComposeStartState =
  | { state: 'loading' }
  /**
   * `encrypted`: the original was encrypted (a reply or a continued draft starts with Encrypt on);
   * `subjectHidden`: its sender hid the Subject outside the encryption (RFC 9788), so the answer does too.
   */
  | { state: 'ready'; fields: ComposeFields; draftUid: number | null; encrypted: boolean; subjectHidden: boolean }
  | { state: 'error'; message: string };

/**
 * The composer's starting fields: empty for a new message, else built from the original's raw
 * bytes (fetched untouched, so "forward as attachment" carries them exactly).
 */
export function useComposeStart(
  mode: ComposeStart,
  source: { folder: string; uid: number } | undefined,
  self: string,
  security: ComposeSecurity | null = null,
): ComposeStartState {
  const needsSource = mode !== 'new' && source !== undefined;
  const [state, setState] = useState<ComposeStartState>(() =>
    needsSource ? { state: 'loading' } : { state: 'ready', fields: emptyFields(), draftUid: null, encrypted: false, subjectHidden: false },
  );
  const folder = source?.folder;
  const uid = source?.uid;
  useEffect(() => {
    if (!needsSource || folder === undefined || uid === undefined) return;
    let live = true;
    (async () => {
      try {
        const raw = await api.messageSource(folder, uid);
        const { content, encrypted, subjectHidden } = await openSource(raw, mode, security);
        const parsed = await parseMessage(content);
        if (live) setState({ state: 'ready', fields: startFields(mode, parsed, content, self), draftUid: mode === 'draft' ? uid : null, encrypted, subjectHidden });
      } catch (e) {
        const message = e instanceof MessageParseError || e instanceof SourceUnreadableError ? e.message : errorMessage(e, 'The original message could not be loaded.');
        if (live) setState({ state: 'error', message });
      }
    })();
    return () => {
      live = false;
    };
  }, [needsSource, folder, uid, mode, self, security]);
  return state;
}
