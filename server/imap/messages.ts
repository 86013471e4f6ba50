import 'server-only';

import type { FetchMessageObject, MessageAddressObject, MessageStructureObject } from 'imapflow';

import type { MailAddress, MessagePage, MessageSummary } from '@/lib/api/types';

import type { Session } from '../session/session-store';
import { openFolder } from './open-folder';
import { withSessionImap } from './session-imap';

/** The largest page the API serves: the list is fetched page by page, never whole. */
export const MAX_PAGE = 200;
/** Longest subject kept (RFC 5322 section 2.1.1 caps a line at 998 characters). */
export const MAX_SUBJECT_CHARS = 998;
/** Longest display name kept. */
export const MAX_NAME_CHARS = 256;
/** Deepest BODYSTRUCTURE nesting searched for attachments. */
export const MAX_STRUCTURE_DEPTH = 32;

const clip = (s: string | undefined, max: number) => (s ?? '').slice(0, max);

const address = (a: MessageAddressObject): MailAddress => ({
  name: clip(a.name, MAX_NAME_CHARS),
  address: clip(a.address, MAX_NAME_CHARS),
});

/**
 * True when any leaf part is an attachment: Content-Disposition "attachment", or a named
 * non-inline leaf (RFC 2183). Inline images of an HTML body do not count.
 */
export function hasAttachment(node: MessageStructureObject | undefined, depth = 0): boolean {
  if (!node || depth > MAX_STRUCTURE_DEPTH) return false;
  if (node.childNodes?.length) return node.childNodes.some((child) => hasAttachment(child, depth + 1));
  if (node.disposition === 'attachment') return true;
  const named = Boolean(node.dispositionParameters?.filename || node.parameters?.name);
  return named && !node.type.startsWith('multipart/') && node.disposition !== 'inline';
}

const validDate = (d: unknown): d is Date => d instanceof Date && !Number.isNaN(d.getTime());

export function toSummary(m: FetchMessageObject): MessageSummary {
  const env = m.envelope;
  // The Date header, else the arrival time (a missing or unparsable header is common in spam).
  const date = validDate(env?.date) ? env.date : validDate(m.internalDate) ? m.internalDate : new Date(0);
  return {
    uid: m.uid,
    from: env?.from?.[0] ? address(env.from[0]) : null,
    to: (env?.to ?? []).slice(0, 50).map(address),
    subject: clip(env?.subject, MAX_SUBJECT_CHARS),
    date: date.toISOString(),
    size: m.size ?? 0,
    seen: m.flags?.has('\\Seen') ?? false,
    flagged: m.flags?.has('\\Flagged') ?? false,
    hasAttachment: hasAttachment(m.bodyStructure),
  };
}

/**
 * The sequence range of one page, newest first: `offset` counts from the newest message (the
 * highest sequence number). Null when the page is past the end.
 */
export function pageRange(exists: number, offset: number, limit: number): string | null {
  const last = exists - offset;
  if (last < 1 || limit < 1) return null;
  return `${Math.max(1, last - limit + 1)}:${last}`;
}

/**
 * One page of a folder's message list, newest first (by arrival: sequence numbers), with the
 * folder's total. Only the page's sequence range is fetched: envelope, flags, size and
 * BODYSTRUCTURE.
 */
export async function listMessages(session: Session, folder: string, offset: number, limit: number): Promise<MessagePage> {
  return withSessionImap(session, async (client) => {
    const lock = await openFolder(client, folder, { readOnly: true });
    try {
      // The folder may have stayed selected on this connection since its last request, and the
      // server tells a connection about new or expunged mail only in answer to a command: NOOP
      // (RFC 3501 section 6.1.2) brings EXISTS up to date, e.g. after the live watcher's IDLE
      // reported new mail (server/events/).
      await client.noop();
      const total = client.mailbox ? client.mailbox.exists : 0;
      const range = pageRange(total, offset, Math.min(limit, MAX_PAGE));
      const fetched: FetchMessageObject[] = [];
      if (range) {
        const query = { uid: true, envelope: true, flags: true, size: true, bodyStructure: true, internalDate: true };
        for await (const m of client.fetch(range, query)) fetched.push(m);
      }
      fetched.sort((a, b) => b.seq - a.seq);
      return { folder, total, offset, messages: fetched.map(toSummary) };
    } finally {
      lock.release();
    }
  });
}
