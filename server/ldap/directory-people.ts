import 'server-only';

import type { Entry } from 'ldapts';

import type { MailAddress } from '@/lib/api/types';

import { type Directory, directory } from './directory';
import { prefixFilter } from './ldap-filter';

// Address completion from the directory: people whose name, given name, surname or address
// starts with what the user typed. Names and addresses only: certificates are not fetched here.

/** The attributes a completion prefix is matched against. */
export const COMPLETION_MATCH_ATTRIBUTES = ['cn', 'mail', 'givenName', 'sn'] as const;
/** The attributes read back: a name to show and the address. */
const RESULT_ATTRIBUTES = ['displayName', 'cn', 'mail'];
/** Most entries one completion asks the directory for (RFC 4511 sizeLimit). */
export const DIRECTORY_SIZE_LIMIT = 20;
/** Seconds the directory may spend on one completion (RFC 4511 timeLimit). */
export const DIRECTORY_TIME_LIMIT_SECONDS = 2;
/** Longest display name and address kept from an entry. */
export const MAX_DIRECTORY_NAME_CHARS = 256;
export const MAX_DIRECTORY_ADDRESS_CHARS = 254; // RFC 5321 section 4.5.3.1.3, path minus "<>"

const PLAUSIBLE_ADDRESS = /^[^\s@<>()[\]\\,;:"]+@[^\s@<>()[\]\\,;:"]+$/;

/** The first value of an attribute, looked up without regard to case (servers differ). */
function first(entry: Entry, attribute: string): string | undefined {
  const key = Object.keys(entry).find((k) => k.toLowerCase() === attribute.toLowerCase());
  const value = key === undefined ? undefined : entry[key];
  const v = Array.isArray(value) ? value[0] : value;
  return typeof v === 'string' ? v : undefined;
}

/** An entry as a name and address; null when it has no usable address. */
export function personFromEntry(entry: Entry): MailAddress | null {
  const address = first(entry, 'mail')?.trim();
  if (!address || address.length > MAX_DIRECTORY_ADDRESS_CHARS || !PLAUSIBLE_ADDRESS.test(address)) return null;
  const name = (first(entry, 'displayName') ?? first(entry, 'cn') ?? '').replace(/\p{Cc}/gu, ' ').trim();
  return { name: name.slice(0, MAX_DIRECTORY_NAME_CHARS), address };
}

/**
 * People whose cn, mail, givenName or sn starts with `prefix` (at most DIRECTORY_SIZE_LIMIT),
 * sorted by name. Throws 'directory-unavailable' when the directory cannot answer.
 */
export async function findPeople(prefix: string, dir: Directory = directory()): Promise<MailAddress[]> {
  const entries = await dir.search({
    filter: prefixFilter(COMPLETION_MATCH_ATTRIBUTES, prefix),
    attributes: RESULT_ATTRIBUTES,
    sizeLimit: DIRECTORY_SIZE_LIMIT,
    timeLimitSeconds: DIRECTORY_TIME_LIMIT_SECONDS,
  });
  const people = entries.slice(0, DIRECTORY_SIZE_LIMIT).flatMap((e) => personFromEntry(e) ?? []);
  return people.sort((a, b) => (a.name || a.address).localeCompare(b.name || b.address));
}
