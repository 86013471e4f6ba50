import 'server-only';

import type { FetchMessageObject, ImapFlow, MailboxLockObject } from 'imapflow';

import type { CertbookListing, StoredCertbookEntry } from '@/lib/api/types';

import { AppError } from '../errors';
import { isServerRefusal, mapImapError } from '../imap/imap-errors';
import { openFolder } from '../imap/open-folder';
import { withSessionImap } from '../imap/session-imap';
import type { Session } from '../session/session-store';
import { CERTBOOK_FOLDER } from './certbook-folder';
import {
  MAX_CERTBOOK_ENTRIES,
  MAX_CERTBOOK_ENTRY_BYTES,
  MAX_CERTBOOK_MESSAGE_BYTES,
  MAX_CERTBOOK_MESSAGES_SCANNED,
  MAX_CERTBOOK_TOTAL_BYTES,
} from './certbook-limits';
import { entryFromMessage, entryMessage, fingerprintFromHeaders } from './certbook-message';

// The certificate address book over the session's IMAP connection: list, add (replacing the same
// fingerprint) and delete opaque entries in the book's folder. Nothing here parses an entry: the
// browser does, with its own caps, and validates every certificate before using it.

interface IndexedMessage {
  uid: number;
  size: number;
  fingerprint: string | null;
}

const EMPTY: CertbookListing = { entries: [], skipped: 0 };

/** The book's folder, selected; null when it does not exist (and `create` is off). */
async function openBook(client: ImapFlow, { create, readOnly }: { create: boolean; readOnly: boolean }): Promise<MailboxLockObject | null> {
  try {
    return await openFolder(client, CERTBOOK_FOLDER, { readOnly });
  } catch (err) {
    if (!(err instanceof AppError && err.code === 'folder-not-found') || !create) {
      if (err instanceof AppError && err.code === 'folder-not-found') return null;
      throw err;
    }
  }
  try {
    await client.mailboxCreate(CERTBOOK_FOLDER);
  } catch (err) {
    // Another session created it meanwhile (ALREADYEXISTS); anything else is the server's failure.
    if (!isServerRefusal(err)) throw mapImapError(err);
  }
  // Mail clients that show only subscribed folders need not show it (imapflow subscribes on CREATE).
  await client.mailboxUnsubscribe(CERTBOOK_FOLDER).catch(() => false);
  return openFolder(client, CERTBOOK_FOLDER, { readOnly });
}

/** Every message of the open book (the newest `max`), newest first, with its label and size. */
async function indexBook(client: ImapFlow, max: number): Promise<{ messages: IndexedMessage[]; notScanned: number }> {
  const exists = client.mailbox ? client.mailbox.exists : 0;
  if (exists === 0) return { messages: [], notScanned: 0 };
  const first = Math.max(1, exists - max + 1);
  const fetched: FetchMessageObject[] = await client.fetchAll(`${first}:*`, { uid: true, size: true, headers: ['subject'] });
  const messages = fetched
    .map((m) => ({ uid: m.uid, size: m.size ?? Number.MAX_SAFE_INTEGER, fingerprint: fingerprintFromHeaders(m.headers) }))
    .sort((a, b) => b.uid - a.uid);
  return { messages, notScanned: first - 1 };
}

/**
 * The book's entries, one per fingerprint (the newest copy), at most MAX_CERTBOOK_ENTRIES and
 * MAX_CERTBOOK_TOTAL_BYTES; `skipped` counts messages that are not readable entries (strays, too
 * large, over the caps). No folder yet: an empty book.
 */
export async function listCertbook(session: Session): Promise<CertbookListing> {
  return withSessionImap(session, async (client) => {
    const lock = await openBook(client, { create: false, readOnly: true });
    if (!lock) return EMPTY;
    try {
      const { messages, notScanned } = await indexBook(client, MAX_CERTBOOK_MESSAGES_SCANNED);
      let skipped = notScanned;
      const chosen = new Map<string, IndexedMessage>();
      let total = 0;
      for (const m of messages) {
        if (m.fingerprint === null || m.size > MAX_CERTBOOK_MESSAGE_BYTES) skipped++;
        // An older copy of an entry (two sessions added it at once) is superseded, not broken.
        else if (chosen.has(m.fingerprint)) continue;
        else if (chosen.size >= MAX_CERTBOOK_ENTRIES || total + m.size > MAX_CERTBOOK_TOTAL_BYTES) skipped++;
        else {
          chosen.set(m.fingerprint, m);
          total += m.size;
        }
      }
      if (chosen.size === 0) return { entries: [], skipped };
      const uids = [...chosen.values()].map((m) => m.uid).sort((a, b) => a - b);
      const sources = await client.fetchAll(uids.join(','), { uid: true, source: { maxLength: MAX_CERTBOOK_MESSAGE_BYTES } }, { uid: true });
      const byUid = new Map([...chosen.entries()].map(([fingerprint, m]) => [m.uid, fingerprint]));
      const entries: StoredCertbookEntry[] = [];
      for (const m of sources.sort((a, b) => a.uid - b.uid)) {
        const fingerprint = byUid.get(m.uid);
        const entry = m.source ? entryFromMessage(m.source) : null;
        if (fingerprint && entry !== null) entries.push({ fingerprint, entry });
        else skipped++;
      }
      // A message expunged between the two FETCHes is simply gone.
      return { entries, skipped };
    } finally {
      lock.release();
    }
  });
}

/**
 * Adds an entry, replacing the entry with the same fingerprint. Throws 'certbook-entry-too-large'
 * (over MAX_CERTBOOK_ENTRY_BYTES) and 'certbook-full' (a new fingerprint in a full book). Creates
 * the folder on the first write.
 */
export async function putCertbookEntry(session: Session, fingerprint: string, entry: string): Promise<{ replaced: number }> {
  if (Buffer.byteLength(entry, 'utf8') > MAX_CERTBOOK_ENTRY_BYTES) throw new AppError('certbook-entry-too-large');
  const raw = entryMessage(fingerprint, entry);
  let appendTried = false;
  const older = await withSessionImap(session, async (client) => {
    const lock = (await openBook(client, { create: true, readOnly: false }))!;
    try {
      const { messages } = await indexBook(client, MAX_CERTBOOK_MESSAGES_SCANNED);
      const same = messages.filter((m) => m.fingerprint === fingerprint).map((m) => m.uid);
      const others = new Map<string, number>();
      for (const m of messages) if (m.fingerprint !== null && m.fingerprint !== fingerprint && !others.has(m.fingerprint)) others.set(m.fingerprint, m.size);
      const othersBytes = [...others.values()].reduce((sum, size) => sum + size, 0);
      if (others.size + 1 > MAX_CERTBOOK_ENTRIES) throw new AppError('certbook-full', `${others.size} entries`);
      if (othersBytes + raw.length > MAX_CERTBOOK_TOTAL_BYTES) throw new AppError('certbook-full', `${othersBytes} bytes`);
      // As for Drafts: a dropped APPEND may have been stored, so it is not repeated on reconnect.
      if (appendTried) throw new AppError('imap-unavailable', 'the connection dropped during APPEND');
      appendTried = true;
      if (!(await client.append(CERTBOOK_FOLDER, raw, ['\\Seen']))) throw new AppError('internal', 'APPEND was not run');
      return same;
    } finally {
      lock.release();
    }
  });
  if (older.length > 0) {
    try {
      await withSessionImap(session, (client) => expunge(client, older));
    } catch (err) {
      // The new copy is stored; the list reads the newest copy, and the next write removes the rest.
      console.warn(`[sealpost] certificate entry stored for ${session.username}, older copies not removed: ${String(err)}`);
    }
  }
  return { replaced: older.length };
}

async function expunge(client: ImapFlow, uids: number[]): Promise<void> {
  const lock = await openBook(client, { create: false, readOnly: false });
  if (!lock) return;
  try {
    await client.messageDelete(uids.join(','), { uid: true });
  } finally {
    lock.release();
  }
}

/** Removes the entry with this fingerprint (every copy); a missing one is no error. */
export async function deleteCertbookEntry(session: Session, fingerprint: string): Promise<{ deleted: number }> {
  return withSessionImap(session, async (client) => {
    const lock = await openBook(client, { create: false, readOnly: false });
    if (!lock) return { deleted: 0 };
    try {
      const { messages } = await indexBook(client, MAX_CERTBOOK_MESSAGES_SCANNED);
      const uids = messages.filter((m) => m.fingerprint === fingerprint).map((m) => m.uid);
      if (uids.length > 0) await client.messageDelete(uids.join(','), { uid: true });
      return { deleted: uids.length };
    } finally {
      lock.release();
    }
  });
}
