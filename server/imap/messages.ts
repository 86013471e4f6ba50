import 'server-only';

import type { FetchMessageObject, ImapFlow, MessageAddressObject, MessageStructureObject } from 'imapflow';

import type { MailAddress, MessagePage, MessageSummary } from '@/lib/api/types';

import { mapImapError } from './connection';

/** The largest page the list may ask for: the list is virtualized, never fetched whole. */
export const MAX_PAGE = 200;

const address = (a: MessageAddressObject): MailAddress => ({ name: a.name ?? '', address: a.address ?? '' });

/** True when any leaf part is an attachment (by disposition, or a non-text leaf with a name). */
export function hasAttachment(node: MessageStructureObject | undefined): boolean {
  if (!node) return false;
  if (node.childNodes?.length) return node.childNodes.some(hasAttachment);
  if (node.disposition === 'attachment') return true;
  const named = Boolean(node.dispositionParameters?.filename || node.parameters?.name);
  return named && !node.type.startsWith('multipart/') && node.disposition !== 'inline';
}

export function toSummary(m: FetchMessageObject): MessageSummary {
  const env = m.envelope;
  const date = env?.date ?? m.internalDate;
  return {
    uid: m.uid,
    from: env?.from?.[0] ? address(env.from[0]) : null,
    to: (env?.to ?? []).map(address),
    subject: env?.subject ?? '',
    date: (date instanceof Date && !Number.isNaN(date.getTime()) ? date : new Date(0)).toISOString(),
    size: m.size ?? 0,
    seen: m.flags?.has('\\Seen') ?? false,
    flagged: m.flags?.has('\\Flagged') ?? false,
    hasAttachment: hasAttachment(m.bodyStructure),
  };
}

/**
 * One page of a folder, newest first: `offset` counts from the newest message. Only the
 * sequence range of the page is fetched.
 */
export async function listMessages(client: ImapFlow, folder: string, offset: number, limit: number): Promise<MessagePage> {
  try {
    const lock = await client.getMailboxLock(folder, { readOnly: true });
    try {
      const total = client.mailbox ? client.mailbox.exists : 0;
      const last = total - offset;
      const first = Math.max(1, last - limit + 1);
      const messages: MessageSummary[] = [];
      if (last >= 1 && limit > 0) {
        for await (const m of client.fetch(`${first}:${last}`, { uid: true, envelope: true, flags: true, size: true, bodyStructure: true, internalDate: true })) {
          messages.push(toSummary(m));
        }
      }
      messages.reverse();
      return { folder, total, offset, messages };
    } finally {
      lock.release();
    }
  } catch (err) {
    throw mapImapError(err);
  }
}
