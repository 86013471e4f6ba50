import 'server-only';

import type { ContactSuggestion, MailAddress } from '@/lib/api/types';

// Pure parts of address completion: which recent correspondents to keep, which contacts match
// what is typed, and how recent ones and directory ones are merged into one short list.

/** Most suggestions in one answer. */
export const MAX_SUGGESTIONS = 10;

/** One message's correspondents: whom it went to (Sent) or came from (Inbox), and when. */
export interface CorrespondentSighting {
  date: number;
  addresses: MailAddress[];
}

const key = (address: string) => address.trim().toLowerCase();
const fold = (s: string) => s.normalize('NFC').toLocaleLowerCase('und');

/**
 * Distinct correspondents, most recently seen first, at most `max`, leaving out the user's own
 * address. A name is taken from the latest sighting that has one.
 */
export function collectCorrespondents(sightings: CorrespondentSighting[], self: string, max: number): MailAddress[] {
  const byAddress = new Map<string, MailAddress>();
  const ordered = [...sightings].sort((a, b) => b.date - a.date);
  for (const { addresses } of ordered) {
    for (const a of addresses) {
      const k = key(a.address);
      if (!k.includes('@') || k === key(self)) continue;
      const known = byAddress.get(k);
      if (known) {
        if (!known.name && a.name) known.name = a.name;
      } else if (byAddress.size < max) {
        byAddress.set(k, { name: a.name.trim(), address: a.address.trim() });
      }
    }
  }
  return [...byAddress.values()];
}

/** True when the address, the whole name or any word of the name starts with `query` (any case). */
export function matchesPrefix(contact: MailAddress, query: string): boolean {
  const q = fold(query.trim());
  if (!q) return false;
  const name = fold(contact.name);
  return fold(contact.address).startsWith(q) || name.startsWith(q) || name.split(/[\s,.;"'()-]+/).some((w) => w.startsWith(q));
}

/**
 * One list for the completion: the matching recent correspondents (in recency order) first,
 * then the directory's people, each address once, at most `max`. A recent address without a name
 * borrows the directory's.
 */
export function mergeSuggestions(recent: MailAddress[], directory: MailAddress[], query: string, max = MAX_SUGGESTIONS): ContactSuggestion[] {
  const out = new Map<string, ContactSuggestion>();
  const fromDirectory = new Map(directory.map((p) => [key(p.address), p]));
  for (const c of recent) {
    if (out.size >= max) break;
    const k = key(c.address);
    if (out.has(k) || !matchesPrefix(c, query)) continue;
    out.set(k, { name: c.name || fromDirectory.get(k)?.name || '', address: c.address, source: 'recent' });
  }
  for (const p of directory) {
    if (out.size >= max) break;
    const k = key(p.address);
    if (!out.has(k)) out.set(k, { name: p.name, address: p.address, source: 'directory' });
  }
  return [...out.values()];
}
