import 'server-only';

import type { Entry } from 'ldapts';

import { AppError } from '../errors';
import { type Directory, directory } from './directory';
import { equalityFilter } from './ldap-filter';

// Recipients' certificates from the directory (issue 5), like Exchange's global address list:
// the raw values of userCertificate;binary (DER certificates, RFC 4523) and userSMIMECertificate
// (PKCS#7 certs-only bundles, RFC 2798). Relayed as bytes only: the browser parses and validates
// them; the server neither parses them nor decides anything about trust.

/** Attributes an address is matched against (inetOrgPerson's address; the stack has no other). */
export const CERTIFICATE_MATCH_ATTRIBUTES = ['mail'] as const;
const USER_CERTIFICATE = 'userCertificate;binary';
const SMIME_CERTIFICATE = 'userSMIMECertificate';
/** Most addresses one call looks up (a message's recipients, not the whole directory). */
export const MAX_CERTIFICATE_ADDRESSES = 50;
/** Most entries read for one address: an address shared by several entries is unusual. */
export const MAX_ENTRIES_PER_ADDRESS = 5;
/** Most values kept of each attribute of one entry (old and new certificates side by side). */
export const MAX_VALUES_PER_ATTRIBUTE = 10;
/** Largest value relayed: a certificate is a few kB, a bundle with its chain some more. */
export const MAX_CERTIFICATE_VALUE_BYTES = 64 * 1024;
/** Seconds the directory may spend on one address (RFC 4511 timeLimit). */
export const CERTIFICATE_TIME_LIMIT_SECONDS = 3;

export interface DirectoryCertificateValues {
  /** The address as asked. */
  email: string;
  /** DER certificates (userCertificate;binary), unparsed. */
  certificates: Buffer[];
  /** PKCS#7 certs-only bundles (userSMIMECertificate), unparsed. */
  smimeBundles: Buffer[];
}

/** An attribute's values as bytes; text values (a server ignoring ";binary") are dropped, never re-encoded. */
function binaryValues(entry: Entry, attribute: string): Buffer[] {
  const key = Object.keys(entry).find((k) => k.toLowerCase() === attribute.toLowerCase());
  const value = key === undefined ? undefined : entry[key];
  const values = Array.isArray(value) ? value : value === undefined ? [] : [value];
  return values
    .filter((v): v is Buffer => Buffer.isBuffer(v) && v.length > 0 && v.length <= MAX_CERTIFICATE_VALUE_BYTES)
    .slice(0, MAX_VALUES_PER_ATTRIBUTE);
}

/** Identical values (the same certificate in two entries) are relayed once. */
function distinct(values: Buffer[]): Buffer[] {
  const seen = new Set<string>();
  return values.filter((v) => {
    const key = v.toString('base64');
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

async function lookUp(email: string, dir: Directory): Promise<Omit<DirectoryCertificateValues, 'email'>> {
  const entries = await dir.search({
    filter: equalityFilter(CERTIFICATE_MATCH_ATTRIBUTES, email),
    attributes: [USER_CERTIFICATE, SMIME_CERTIFICATE],
    binaryAttributes: [USER_CERTIFICATE, SMIME_CERTIFICATE],
    sizeLimit: MAX_ENTRIES_PER_ADDRESS,
    timeLimitSeconds: CERTIFICATE_TIME_LIMIT_SECONDS,
  });
  const kept = entries.slice(0, MAX_ENTRIES_PER_ADDRESS);
  return {
    certificates: distinct(kept.flatMap((e) => binaryValues(e, USER_CERTIFICATE))),
    smimeBundles: distinct(kept.flatMap((e) => binaryValues(e, SMIME_CERTIFICATE))),
  };
}

/**
 * The directory's certificate values for each address, in the order asked (an unknown address
 * has none). Addresses are matched exactly, case as the directory's rule says (mail: case
 * insensitive). Throws 'bad-request' for more than MAX_CERTIFICATE_ADDRESSES addresses and
 * 'directory-unavailable' when the directory cannot answer.
 */
export async function directoryCertificates(emails: string[], dir: Directory = directory()): Promise<DirectoryCertificateValues[]> {
  if (emails.length > MAX_CERTIFICATE_ADDRESSES) throw new AppError('bad-request', `${emails.length} addresses`);
  // One search per distinct address (a shared size limit could starve some of them), one at a
  // time: ldapts loses answers when searches overlap on the shared connection.
  const found = new Map<string, Awaited<ReturnType<typeof lookUp>>>();
  for (const email of emails) {
    const key = email.toLowerCase();
    if (!found.has(key)) found.set(key, await lookUp(email, dir));
  }
  return emails.map((email) => ({ email, ...found.get(email.toLowerCase())! }));
}
