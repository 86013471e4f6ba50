import 'server-only';

import type { FetchMessageObject, ImapFlow, MessageAddressObject, MessageStructureObject } from 'imapflow';

import type { MailAddress, MessageListQuery, MessageSummaries, MessageSummary, MessageWindow } from '@/lib/api/types';
import { DEFAULT_LIST_QUERY } from '@/lib/mail/list-query';
import { smimeLabel } from '@/lib/reading/smime-label';

import type { Session } from '../session/session-store';
import { uidSet } from './list-criteria';
import { type ListView, folderView } from './list-view';
import { threadMembers, threadSize } from './list-threads';
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

/**
 * The list's S/MIME mark from BODYSTRUCTURE's top-level type and its smime-type/protocol
 * parameters (imapflow lower-cases types and parameter names): no body is fetched or decrypted.
 */
export function securityMark(node: MessageStructureObject | undefined): MessageSummary['security'] {
  if (!node?.type) return null;
  return smimeLabel({
    type: node.type,
    params: node.parameters ?? {},
    filename: node.dispositionParameters?.filename,
    secondPartType: node.childNodes?.[1]?.type,
  });
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
    security: securityMark(m.bodyStructure),
  };
}

/**
 * One window of a folder view (order + search): the rows at positions offset.. in that order,
 * with the view's size. Only the window's UIDs are fetched: envelope, flags, size and
 * BODYSTRUCTURE. A message expunged since the view was built makes the view rebuild once.
 */
export async function listMessages(
  session: Session,
  folder: string,
  offset: number,
  limit: number,
  query: MessageListQuery = DEFAULT_LIST_QUERY,
  { refresh = false }: { refresh?: boolean } = {},
): Promise<MessageWindow> {
  return withSessionImap(session, async (client) => {
    // Listing only reads (a folder already selected read-write is used as it is: openFolder).
    const lock = await openFolder(client, folder, { readOnly: true });
    try {
      let view = await folderView(session, client, folder, query, refresh);
      for (let attempt = 0; ; attempt++) {
        const uids = view.uids.subarray(offset, offset + Math.min(limit, MAX_PAGE));
        const byUid = new Map<number, FetchMessageObject>();
        if (uids.length) {
          const fields = { uid: true, envelope: true, flags: true, size: true, bodyStructure: true, internalDate: true };
          for await (const m of client.fetch(uidSet(uids), fields, { uid: true })) byUid.set(m.uid, m);
        }
        if (byUid.size < uids.length && attempt === 0) {
          view = await folderView(session, client, folder, query, true);
          continue;
        }
        let messages = Array.from(uids, (uid) => byUid.get(uid)).filter((m) => m !== undefined).map(toSummary);
        if (view.threads) messages = await withThreads(client, view, offset, messages);
        return {
          folder,
          total: view.uids.length,
          offset,
          messages,
          version: view.version,
          sortFallback: view.sortFallback,
          canThread: client.capabilities.has('THREAD=REFERENCES'),
          ...(view.threading ? { threading: view.threading } : {}),
        };
      }
    } finally {
      lock.release();
    }
  });
}

/**
 * The conversation view's rows: each head row gets its thread's size, UIDs (bounded) and unread
 * count, read with one FETCH (FLAGS) of the window's other members.
 */
async function withThreads(client: ImapFlow, view: ListView, offset: number, rows: MessageSummary[]): Promise<MessageSummary[]> {
  const threads = view.threads!;
  const positions = new Map<number, number>();
  for (let i = offset; i < Math.min(view.uids.length, offset + MAX_PAGE); i++) positions.set(view.uids[i]!, i);
  const others: number[] = [];
  for (const row of rows) for (const uid of threadMembers(threads, positions.get(row.uid)!)) if (uid !== row.uid) others.push(uid);
  const seen = new Set<number>();
  if (others.length) for await (const m of client.fetch(uidSet(others), { uid: true, flags: true }, { uid: true })) if (m.flags?.has('\\Seen')) seen.add(m.uid);
  return rows.map((row) => {
    const at = positions.get(row.uid)!;
    const uids = Array.from(threadMembers(threads, at));
    const unread = uids.filter((uid) => (uid === row.uid ? !row.seen : !seen.has(uid))).length;
    return { ...row, thread: { count: threadSize(threads, at), unread, uids } };
  });
}

/** Rows of some messages by UID, newest first (a thread's messages when it is expanded). */
export async function messageSummaries(session: Session, folder: string, uids: number[]): Promise<MessageSummaries> {
  return withSessionImap(session, async (client) => {
    const selectedRw = client.mailbox && client.mailbox.path === folder && !client.mailbox.readOnly;
    const lock = await openFolder(client, folder, { readOnly: !selectedRw });
    try {
      const out: MessageSummary[] = [];
      const fields = { uid: true, envelope: true, flags: true, size: true, bodyStructure: true, internalDate: true };
      if (uids.length) for await (const m of client.fetch(uidSet(uids.slice(0, MAX_PAGE)), fields, { uid: true })) out.push(toSummary(m));
      return { folder, messages: out.sort((a, b) => b.uid - a.uid) };
    } finally {
      lock.release();
    }
  });
}
