import 'server-only';

import type { FetchMessageObject, ImapFlow } from 'imapflow';

import type { MessageListQuery } from '@/lib/api/types';
import { listQueryKey } from '@/lib/mail/list-query';

import type { Session } from '../session/session-store';
import { type ImapAttribute, UidCollector, searchArguments, sortArguments, uidSet } from './list-criteria';
import { ThreadCollector, type ThreadIndex, orderThreads, threadArguments, threadingFor } from './list-threads';

// The ordered UIDs of the folder view the user looks at (folder + order + search), kept per
// session so that scrolling anywhere costs one UID FETCH of the visible rows. 4 bytes a message:
// 100,000 messages take 400 KB. Each session keeps MAX_VIEWS_PER_SESSION views; opening another
// folder drops the views of the others.

/** Views a session keeps (e.g. the folder and a search in it). */
export const MAX_VIEWS_PER_SESSION = 2;
/** Without SORT, the most messages sorted in memory by sender, subject or size. */
export const FALLBACK_SORT_MAX = 5000;

export interface ListView {
  key: string;
  folder: string;
  uidValidity: bigint;
  exists: number;
  uidNext: number;
  uids: Uint32Array;
  version: number;
  sortFallback: boolean;
  /** Conversation view: `uids` are the threads' newest messages, `threads` their members. */
  threads: ThreadIndex | null;
  /** Set when threads were asked for (see MessageWindow.threading). */
  threading?: 'on' | 'unsupported' | 'unreadable' | 'too-large';
}

const views = new WeakMap<Session, ListView[]>();
let versions = 0;

/** The views a session holds now (for tests and the memory benchmark). */
export function sessionViews(session: Session): readonly ListView[] {
  return views.get(session) ?? [];
}

/** Runs a raw command whose untagged answers carry UIDs (imapflow has no SORT method). */
async function collectUids(client: ImapFlow, command: 'UID SORT' | 'UID SEARCH', args: ImapAttribute[]): Promise<UidCollector> {
  const collector = new UidCollector();
  const handler = async (untagged: { numbers?: number[]; attributes?: unknown[] }) => collector.add(untagged);
  const esearch = async (untagged: { attributes?: unknown[] }) => collector.addEsearch(untagged);
  // exec() is imapflow's own command runner (commands/search.js uses it the same way); it is
  // not in its typings.
  const exec = (client as unknown as { exec: (c: string, a: unknown[], o: unknown) => Promise<{ next: () => void }> }).exec.bind(client);
  const response = await exec(command, args, { untagged: { SORT: handler, SEARCH: handler, ESEARCH: esearch } });
  response.next();
  return collector;
}

/**
 * The conversation view's threads (UID THREAD REFERENCES, RFC 5256), or null when the server's
 * answer did not arrive: imapflow drops a line it cannot parse (nesting past its own limit of
 * 100), and a view silently missing messages would be worse than the flat list.
 */
async function buildThreads(client: ImapFlow, query: MessageListQuery): Promise<ThreadIndex | null> {
  const collector = new ThreadCollector();
  const exec = (client as unknown as { exec: (c: string, a: unknown[], o: unknown) => Promise<{ next: () => void }> }).exec.bind(client);
  const response = await exec('UID THREAD', threadArguments(query.search), { untagged: { THREAD: async (u: { attributes?: unknown[] }) => collector.add(u) } });
  response.next();
  return collector.answered ? orderThreads(collector.result(), query.descending) : null;
}

type SortFields = Pick<FetchMessageObject, 'uid' | 'envelope' | 'size'>;

/** Orders messages as SORT would: by the key, ties by arrival (UID). Used without SORT. */
export function sortInMemory(rows: SortFields[], key: 'from' | 'subject' | 'size', descending: boolean): number[] {
  const text = (r: SortFields) =>
    key === 'from'
      ? (r.envelope?.from?.[0]?.address ?? '').toLowerCase()
      : (r.envelope?.subject ?? '').replace(/^\s*((re|fwd?)\s*:\s*)+/i, '').toLowerCase();
  const cmp = (a: SortFields, b: SortFields) => {
    const d = key === 'size' ? (a.size ?? 0) - (b.size ?? 0) : text(a) < text(b) ? -1 : text(a) > text(b) ? 1 : 0;
    return (d || a.uid - b.uid) * (descending ? -1 : 1);
  };
  return [...rows].sort(cmp).map((r) => r.uid);
}

/**
 * The view's UIDs in order. "Date" is arrival order, the order of UIDs: what the mail server
 * received last is on top, whatever a sender wrote in its Date header (the default view needs
 * no SORT then: one ESEARCH answer "1:100000" instead of a 590 KB SORT line). Sender, subject
 * and size use SORT (RFC 5256); without it, up to FALLBACK_SORT_MAX messages are sorted here,
 * more stay in arrival order (`sortFallback`).
 */
async function buildOrder(client: ImapFlow, query: MessageListQuery): Promise<{ uids: Uint32Array; sortFallback: boolean }> {
  const caps = client.capabilities;
  if (query.sort !== 'date' && caps.has('SORT')) {
    const c = await collectUids(client, 'UID SORT', sortArguments(query.sort, query.descending, query.search, { esort: caps.has('ESORT') }));
    return { uids: c.result(), sortFallback: false };
  }
  const found = (await collectUids(client, 'UID SEARCH', searchArguments(query.search, { esearch: caps.has('ESEARCH') }))).result().sort();
  const arrival = () => (query.descending ? found.reverse() : found);
  if (query.sort === 'date') return { uids: arrival(), sortFallback: false };
  if (found.length > FALLBACK_SORT_MAX) return { uids: arrival(), sortFallback: true };
  const rows: SortFields[] = [];
  if (found.length) for await (const m of client.fetch(uidSet(found), { uid: true, envelope: true, size: true }, { uid: true })) rows.push(m);
  return { uids: Uint32Array.from(sortInMemory(rows, query.sort, query.descending)), sortFallback: false };
}

/**
 * The view of the selected folder, rebuilt when asked (`refresh`) or when the folder changed
 * under it (another UIDVALIDITY, message count or next UID).
 */
export async function folderView(session: Session, client: ImapFlow, folder: string, query: MessageListQuery, refresh: boolean): Promise<ListView> {
  // NOOP lets the server report what changed since the last command (EXISTS, EXPUNGE), so a
  // refresh sees new mail even when the folder stayed selected.
  if (refresh) await client.noop();
  const mailbox = client.mailbox;
  if (!mailbox) throw new Error('no folder selected');
  const key = listQueryKey(query);
  // Another folder opened: its views go.
  const kept = (views.get(session) ?? []).filter((v) => v.folder === folder);
  const current = kept.find((v) => v.key === key);
  const unchanged =
    current &&
    current.uidValidity === mailbox.uidValidity &&
    current.exists === mailbox.exists &&
    current.uidNext === mailbox.uidNext;
  if (current && unchanged && !refresh) {
    views.set(session, [current, ...kept.filter((v) => v !== current)]);
    return current;
  }
  let threads: ThreadIndex | null = null;
  let threading: ListView['threading'];
  if (query.threads) {
    threading = threadingFor(client.capabilities.has('THREAD=REFERENCES'), mailbox.exists);
    if (threading === 'on' && mailbox.exists > 0) {
      threads = await buildThreads(client, query);
      if (!threads) threading = 'unreadable';
    }
  }
  const { uids, sortFallback } = threads
    ? { uids: threads.heads, sortFallback: false }
    : mailbox.exists === 0
      ? { uids: new Uint32Array(0), sortFallback: false }
      : await buildOrder(client, { ...query, threads: false });
  // The folder's state after the command: EXISTS that arrived with it is in the answer already.
  const after = client.mailbox || mailbox;
  const view: ListView = {
    key,
    folder,
    uidValidity: after.uidValidity,
    exists: after.exists,
    uidNext: after.uidNext,
    uids,
    version: ++versions,
    sortFallback,
    threads,
    threading,
  };
  views.set(session, [view, ...kept.filter((v) => v.key !== key)].slice(0, MAX_VIEWS_PER_SESSION));
  return view;
}
