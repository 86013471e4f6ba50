import 'server-only';

import type { ContactSuggestions, MailAddress } from '@/lib/api/types';

import { AppError } from '../errors';
import { findPeople } from '../ldap/directory-people';
import type { Session } from '../session/session-store';
import { MAX_SUGGESTIONS, mergeSuggestions } from './contact-ranking';
import { recentCorrespondents } from './recent-correspondents';

/** Longest completion query: a name or the start of an address, never a whole paragraph. */
export const MAX_CONTACT_QUERY_CHARS = 64;

/**
 * Suggestions for `query` from the session's recent correspondents and the directory, asked in
 * parallel. Either half failing leaves the other: a directory that is down gives
 * directoryAvailable false; an unreachable mailbox gives no recent ones. An ended session throws.
 */
export async function suggestContacts(session: Session, query: string): Promise<ContactSuggestions> {
  const q = query.trim();
  if (!q || q.length > MAX_CONTACT_QUERY_CHARS) throw new AppError('bad-request', `query of ${q.length} characters`);
  const [recent, directory] = await Promise.allSettled([recentCorrespondents(session), findPeople(q)]);
  if (recent.status === 'rejected' && !isExpected(recent.reason, 'imap-unavailable', 'folder-not-found')) throw recent.reason;
  if (directory.status === 'rejected' && !isExpected(directory.reason, 'directory-unavailable')) throw directory.reason;
  const people: MailAddress[] = directory.status === 'fulfilled' ? directory.value : [];
  return {
    query: q,
    suggestions: mergeSuggestions(recent.status === 'fulfilled' ? recent.value : [], people, q, MAX_SUGGESTIONS),
    directoryAvailable: directory.status === 'fulfilled',
  };
}

const isExpected = (err: unknown, ...codes: string[]) => err instanceof AppError && codes.includes(err.code);
