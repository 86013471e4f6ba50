import 'server-only';

import type { FetchMessageObject, ImapFlow, MessageAddressObject } from 'imapflow';

import type { MailAddress } from '@/lib/api/types';

import { openFolder } from '../imap/open-folder';
import { pageRange } from '../imap/messages';
import { withSessionImap } from '../imap/session-imap';
import type { Session } from '../session/session-store';
import { type CorrespondentSighting, collectCorrespondents } from './contact-ranking';

// Whom the user wrote to or heard from lately: the To/Cc/Bcc of the newest messages in Sent and
// the From of the newest in the Inbox, read from their envelopes on the session's IMAP connection
// the first time completion needs them, then kept per session (a WeakMap, so they go with the
// session) for a while, and dropped after every send.

/** Newest messages read from each of Sent and Inbox. */
export const RECENT_MESSAGES_PER_FOLDER = 200;
/** Most correspondents kept per session: about 200 × (name + address), some tens of KB at worst. */
export const MAX_RECENT_CORRESPONDENTS = 200;
/** Longest name and address kept. */
export const MAX_RECENT_NAME_CHARS = 128;
export const MAX_RECENT_ADDRESS_CHARS = 254;
/** The list is read again after this long, so mail that arrived meanwhile counts. */
export const RECENT_CORRESPONDENTS_TTL_MS = 10 * 60_000;
/** Addresses read from one message's To, Cc and Bcc. */
const MAX_ADDRESSES_PER_MESSAGE = 50;

interface Cached {
  contacts: MailAddress[];
  loadedAt: number;
  loading?: Promise<MailAddress[]>;
  /** Bumped by forgetRecentCorrespondents: a load begun before it is not kept. */
  generation: number;
}

// On globalThis: Next.js may load this module in more than one module graph.
const CACHE = Symbol.for('sealpost.recent-correspondents');
function cache(): WeakMap<Session, Cached> {
  const g = globalThis as typeof globalThis & { [CACHE]?: WeakMap<Session, Cached> };
  g[CACHE] ??= new WeakMap();
  return g[CACHE];
}

const clip = (a: MessageAddressObject): MailAddress => ({
  name: (a.name ?? '').replace(/\p{Cc}/gu, ' ').trim().slice(0, MAX_RECENT_NAME_CHARS),
  address: (a.address ?? '').trim(),
});

const usable = (a: MailAddress) => a.address.length > 0 && a.address.length <= MAX_RECENT_ADDRESS_CHARS;

function sighting(m: FetchMessageObject, fields: ('from' | 'to' | 'cc' | 'bcc')[]): CorrespondentSighting {
  const env = m.envelope;
  const date = env?.date instanceof Date && !Number.isNaN(env.date.getTime()) ? env.date.getTime() : 0;
  const addresses = fields.flatMap((f) => env?.[f] ?? []).slice(0, MAX_ADDRESSES_PER_MESSAGE).map(clip).filter(usable);
  return { date, addresses };
}

/** Envelopes of the newest RECENT_MESSAGES_PER_FOLDER messages of `folder`. */
async function newestEnvelopes(client: ImapFlow, folder: string): Promise<FetchMessageObject[]> {
  const lock = await openFolder(client, folder, { readOnly: true });
  try {
    const range = pageRange(client.mailbox ? client.mailbox.exists : 0, 0, RECENT_MESSAGES_PER_FOLDER);
    const out: FetchMessageObject[] = [];
    if (range) for await (const m of client.fetch(range, { envelope: true })) out.push(m);
    return out;
  } finally {
    lock.release();
  }
}

async function load(session: Session): Promise<MailAddress[]> {
  const sightings = await withSessionImap(session, async (client) => {
    const sent = (await client.list()).find((f) => f.specialUse === '\\Sent');
    const found = (await newestEnvelopes(client, 'INBOX')).map((m) => sighting(m, ['from']));
    if (sent) found.push(...(await newestEnvelopes(client, sent.path)).map((m) => sighting(m, ['to', 'cc', 'bcc'])));
    return found;
  });
  return collectCorrespondents(sightings, session.email, MAX_RECENT_CORRESPONDENTS);
}

/**
 * The session's recent correspondents, most recent first. Read over IMAP on first use and after
 * RECENT_CORRESPONDENTS_TTL_MS or a send; concurrent callers share one read. Throws the IMAP
 * layer's coded errors.
 */
export async function recentCorrespondents(session: Session, now = Date.now()): Promise<MailAddress[]> {
  const map = cache();
  let entry = map.get(session);
  if (!entry) {
    entry = { contacts: [], loadedAt: Number.NEGATIVE_INFINITY, generation: 0 };
    map.set(session, entry);
  }
  if (now - entry.loadedAt < RECENT_CORRESPONDENTS_TTL_MS) return entry.contacts;
  if (entry.loading) return entry.loading;
  const e = entry;
  const generation = e.generation;
  const loading = load(session)
    .then((contacts) => {
      if (e.generation === generation) {
        e.contacts = contacts;
        e.loadedAt = now;
      }
      return contacts;
    })
    .finally(() => {
      if (e.generation === generation) e.loading = undefined;
    });
  e.loading = loading;
  return loading;
}

/** After a send: the next completion reads the correspondents again (Sent now has the message). */
export function forgetRecentCorrespondents(session: Session): void {
  const entry = cache().get(session);
  if (!entry) return;
  entry.generation++;
  entry.loadedAt = Number.NEGATIVE_INFINITY;
  entry.loading = undefined;
}
