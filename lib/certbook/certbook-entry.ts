// One entry of the certificate address book and its wire form. The server stores each entry as an
// opaque string it cannot check (it is untrusted): everything read back is parsed here with caps,
// the fingerprint is recomputed from the certificate, and the addresses are taken from the
// certificate itself, never from what the stored entry claims. A certificate read from the book
// is still only a candidate: validate it (chain to trusted roots, address match) before use.
import type * as pkijs from 'pkijs';

import { bytesToBase64 } from '../bytes';
import { strictBase64Bytes } from '../api/directory-answer';
import { certificateEmails, readCertificates } from '../smime';

import { fingerprintOf } from './certificate-facts';

/** Where a correspondent's certificate came from: their signed mail, the user's import, or the LDAP directory. */
export type CertificateOrigin = 'harvested' | 'imported' | 'directory';
/** An address-book entry's origin. */
export type CertbookOrigin = CertificateOrigin;

/** A correspondent's key changed unexpectedly: kept with the entry until the user deletes it. */
export interface KeyChangeFlag {
  /** ISO time the change was noticed. */
  detectedAt: string;
  /** The warning the user was given, in plain words. */
  message: string;
}

export interface CertbookEntry {
  /** Lower-case hex SHA-256 of `certificate`: the entry's key. */
  fingerprint: string;
  /** The certificate's DER bytes. */
  certificate: Uint8Array;
  /** The addresses the certificate names (lib/smime certificateEmails). */
  addresses: string[];
  origin: CertbookOrigin;
  /** SMIMECapabilities OIDs the correspondent announced last, in their order; null when unknown. */
  capabilities: string[] | null;
  /** ISO times: when the entry was made, and when a verified message last showed it. */
  firstSeen: string;
  lastSeen: string;
  /** ISO signingTime of the newest message it was harvested from (claimed by the signer), null when none. */
  signingTime: string | null;
  /** The correspondent asked to be encrypted to this certificate (EncryptionKeyPreference, or it signed without naming another). */
  isEncryptionCertificate: boolean;
  keyChange: KeyChangeFlag | null;
}

/** An entry read back, with its certificate parsed. */
export interface CertbookRecord {
  entry: CertbookEntry;
  certificate: pkijs.Certificate;
}

/** Caps on what the browser reads back from the server (the server's own caps match: server/certbook). */
export const CERTBOOK_LIMITS = {
  /** Most entries read; the server keeps at most this many. */
  maxEntries: 2000,
  /** Largest encoded entry, in UTF-8 bytes. */
  maxEntryBytes: 64 * 1024,
  /** Largest certificate in an entry. */
  maxCertificateBytes: 32 * 1024,
  maxAddresses: 50,
  maxCapabilities: 64,
  maxMessageChars: 1000,
} as const;

const FINGERPRINT = /^[0-9a-f]{64}$/;
const OID_TEXT = /^[0-2](?:\.(?:0|[1-9][0-9]{0,9})){1,30}$/;
const ORIGINS: readonly CertbookOrigin[] = ['harvested', 'imported', 'directory'];

export const isFingerprint = (value: unknown): value is string => typeof value === 'string' && FINGERPRINT.test(value);

/** The entry's wire form: JSON with the certificate as base64. Version 1. */
export function encodeEntry(entry: CertbookEntry): string {
  return JSON.stringify({
    v: 1,
    fingerprint: entry.fingerprint,
    certificate: bytesToBase64(entry.certificate),
    addresses: entry.addresses,
    origin: entry.origin,
    capabilities: entry.capabilities,
    firstSeen: entry.firstSeen,
    lastSeen: entry.lastSeen,
    signingTime: entry.signingTime,
    isEncryptionCertificate: entry.isEncryptionCertificate,
    keyChange: entry.keyChange,
  });
}

export class CertbookEntryError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CertbookEntryError';
  }
}

const fail = (message: string): never => {
  throw new CertbookEntryError(message);
};

function isoTime(value: unknown, field: string): string {
  if (typeof value !== 'string' || value.length > 40 || Number.isNaN(Date.parse(value))) fail(`${field} is not a time.`);
  return new Date(value as string).toISOString();
}

function capabilities(value: unknown): string[] | null {
  if (value === null || value === undefined) return null;
  if (!Array.isArray(value) || value.length > CERTBOOK_LIMITS.maxCapabilities) return fail('The capabilities are not a short list.');
  return value.map((oid) => (typeof oid === 'string' && OID_TEXT.test(oid) ? oid : fail('A capability is not an OID.')));
}

function keyChange(value: unknown): KeyChangeFlag | null {
  if (value === null || value === undefined) return null;
  const flag = value as Partial<Record<keyof KeyChangeFlag, unknown>>;
  if (typeof flag !== 'object' || typeof flag.message !== 'string') return fail('The key change flag is malformed.');
  return { detectedAt: isoTime(flag.detectedAt, 'detectedAt'), message: flag.message.slice(0, CERTBOOK_LIMITS.maxMessageChars) };
}

/**
 * Reads one stored entry. The certificate must be one DER certificate whose SHA-256 is the
 * fingerprint (the server's label and the entry's own); the addresses are the certificate's own.
 * Throws CertbookEntryError with a reason for anything else.
 */
export async function decodeEntry(text: string, expectedFingerprint?: string): Promise<CertbookRecord> {
  if (new TextEncoder().encode(text).length > CERTBOOK_LIMITS.maxEntryBytes) fail('The entry is too large.');
  let raw: Record<string, unknown>;
  try {
    raw = JSON.parse(text) as Record<string, unknown>;
  } catch {
    return fail('The entry is not JSON.');
  }
  if (typeof raw !== 'object' || raw === null || raw.v !== 1) fail('The entry has an unknown format.');
  if (!isFingerprint(raw.fingerprint)) fail('The entry has no fingerprint.');
  const der = strictBase64Bytes(raw.certificate);
  if (der.length === 0 || der.length > CERTBOOK_LIMITS.maxCertificateBytes) fail('The certificate is missing or too large.');
  if (der[0] !== 0x30) fail('The certificate is not DER.');
  let certificate: pkijs.Certificate;
  try {
    const found = readCertificates(der);
    if (found.length !== 1) fail('The entry holds more than one certificate.');
    certificate = found[0]!;
  } catch (error) {
    if (error instanceof CertbookEntryError) throw error;
    return fail('The certificate cannot be read.');
  }
  const fingerprint = await fingerprintOf(der);
  if (fingerprint !== raw.fingerprint || (expectedFingerprint !== undefined && fingerprint !== expectedFingerprint)) {
    fail('The fingerprint does not match the certificate.');
  }
  const origin = ORIGINS.find((o) => o === raw.origin) ?? fail('The origin is unknown.');
  const entry: CertbookEntry = {
    fingerprint,
    certificate: der,
    addresses: certificateEmails(certificate).slice(0, CERTBOOK_LIMITS.maxAddresses),
    origin,
    capabilities: capabilities(raw.capabilities),
    firstSeen: isoTime(raw.firstSeen, 'firstSeen'),
    lastSeen: isoTime(raw.lastSeen, 'lastSeen'),
    signingTime: raw.signingTime === null || raw.signingTime === undefined ? null : isoTime(raw.signingTime, 'signingTime'),
    isEncryptionCertificate: raw.isEncryptionCertificate === true,
    keyChange: keyChange(raw.keyChange),
  };
  return { entry, certificate };
}

/** A stored entry as the API lists it: the server's label and the opaque text. */
export interface StoredEntry {
  fingerprint: string;
  entry: string;
}

export interface DecodedBook {
  records: CertbookRecord[];
  /** Entries that could not be read (the server's count plus ours), with our reasons. */
  skipped: number;
  reasons: string[];
}

/** Reads every stored entry, skipping broken ones (counted, with a reason); at most maxEntries. */
export async function decodeBook(stored: readonly StoredEntry[], serverSkipped = 0): Promise<DecodedBook> {
  const records: CertbookRecord[] = [];
  const reasons: string[] = [];
  const seen = new Set<string>();
  let skipped = Math.max(0, Math.floor(Number(serverSkipped) || 0));
  for (const [i, item] of stored.entries()) {
    if (i >= CERTBOOK_LIMITS.maxEntries) {
      skipped += stored.length - i;
      reasons.push(`Only the first ${CERTBOOK_LIMITS.maxEntries} entries were read.`);
      break;
    }
    try {
      if (typeof item?.entry !== 'string' || !isFingerprint(item.fingerprint)) fail('The entry is malformed.');
      const record = await decodeEntry(item.entry, item.fingerprint);
      if (seen.has(record.entry.fingerprint)) continue;
      seen.add(record.entry.fingerprint);
      records.push(record);
    } catch (error) {
      skipped++;
      reasons.push(error instanceof Error ? error.message : String(error));
    }
  }
  return { records, skipped, reasons };
}
