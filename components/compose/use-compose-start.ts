'use client';

import { useEffect, useState } from 'react';

import { api, errorMessage } from '@/lib/api/client';
import { isPkcs7Mime } from '@/lib/compose/pkcs7-source';
import { type ComposeFields, type ComposeStart, emptyFields, startFields } from '@/lib/mail/compose-fields';
import { MessageParseError, parseMessage } from '@/lib/mail/parse-message';
import { readMessage } from '@/lib/smime';

import type { ComposeSecurity } from './security-context';

export type ComposeStartState =
  | { state: 'loading' }
  /** `encrypted`: the original was encrypted (a reply or a continued draft starts with Encrypt on). */
  | { state: 'ready'; fields: ComposeFields; draftUid: number | null; encrypted: boolean }
  | { state: 'error'; message: string };

/** An encrypted original that cannot be opened: the message says why, for the user. */
class SourceUnreadableError extends Error {}

/**
 * The original's readable bytes: an encrypted or opaque-signed one is opened with the user's
 * keys (the user asked to answer or continue it). Forward as attachment keeps the bytes as they are.
 */
async function openSource(raw: Uint8Array, mode: ComposeStart, security: ComposeSecurity | null): Promise<{ content: Uint8Array; encrypted: boolean }> {
  if (!security || mode === 'forwardAsAttachment' || !isPkcs7Mime(raw)) return { content: raw, encrypted: false };
  const what = mode === 'draft' ? 'This draft' : 'The original message';
  const [identities, trust] = await Promise.all([
    security.identities.identitiesForReading().catch(() => {
      throw new SourceUnreadableError(`${what} is encrypted, and your keys could not be read. Unlock them and try again.`);
    }),
    security.trust.trustSettings(),
  ]);
  const { report, plaintext } = await readMessage(raw, { identities, trust, knownCertificates: security.certificates.knownCertificates() });
  const failed = [...report.errors, ...report.layers.flatMap((l) => l.errors)];
  const encrypted = report.encrypted || report.layers.some((l) => l.kind === 'enveloped' || l.kind === 'auth-enveloped');
  if (encrypted && failed.length && !report.text) {
    throw new SourceUnreadableError(`${what} is encrypted and could not be opened: ${failed[0]!.message}`);
  }
  return { content: plaintext, encrypted };
}

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
    needsSource ? { state: 'loading' } : { state: 'ready', fields: emptyFields(), draftUid: null, encrypted: false },
  );
  const folder = source?.folder;
  const uid = source?.uid;
  useEffect(() => {
    if (!needsSource || folder === undefined || uid === undefined) return;
    let live = true;
    (async () => {
      try {
        const raw = await api.messageSource(folder, uid);
        const { content, encrypted } = await openSource(raw, mode, security);
        const parsed = await parseMessage(content);
        if (live) setState({ state: 'ready', fields: startFields(mode, parsed, content, self), draftUid: mode === 'draft' ? uid : null, encrypted });
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
