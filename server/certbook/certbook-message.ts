import 'server-only';

import crypto from 'node:crypto';

import { CERTBOOK_FINGERPRINT, MAX_CERTBOOK_ENTRY_BYTES } from './certbook-limits';

// One address-book entry as a small RFC 5322 message: Subject = the fingerprint, body = the
// browser's entry (JSON carrying the certificate's DER in base64), base64-encoded so any IMAP
// server stores it unchanged. The server never interprets the entry.

const MARKER = 'X-Sealpost-Certbook: 1';

/** The message stored for an entry. */
export function entryMessage(fingerprint: string, entry: string, now: Date = new Date()): Buffer {
  const body = Buffer.from(entry, 'utf8').toString('base64').replace(/.{1,76}/g, '$&\r\n');
  return Buffer.from(
    [
      `Date: ${now.toUTCString().replace('GMT', '+0000')}`,
      'From: Sealpost <certificates@sealpost.invalid>',
      `Subject: ${fingerprint}`,
      `Message-ID: <${fingerprint.slice(0, 16)}.${crypto.randomBytes(8).toString('hex')}@sealpost.invalid>`,
      'MIME-Version: 1.0',
      'Content-Type: application/json; charset=utf-8',
      'Content-Transfer-Encoding: base64',
      MARKER,
      '',
      body,
    ].join('\r\n'),
    'latin1',
  );
}

/** The fingerprint in a fetched Subject header block ("Subject: <hex>\r\n"), or null. */
export function fingerprintFromHeaders(headers: Buffer | undefined): string | null {
  const match = /^subject:[ \t]*([0-9a-fA-F]{64})[ \t]*\r?$/im.exec(headers?.toString('latin1') ?? '');
  const value = match?.[1]?.toLowerCase() ?? null;
  return value && CERTBOOK_FINGERPRINT.test(value) ? value : null;
}

/** The entry a stored message carries, or null when it is not one of ours or is malformed. */
export function entryFromMessage(source: Buffer): string | null {
  const text = source.toString('latin1');
  const split = text.indexOf('\r\n\r\n');
  if (split < 0) return null;
  const header = text.slice(0, split);
  if (!header.split('\r\n').includes(MARKER)) return null;
  const base64 = text.slice(split + 4).replace(/[\r\n]/g, '');
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(base64) || base64.length % 4 !== 0) return null;
  const bytes = Buffer.from(base64, 'base64');
  if (bytes.length === 0 || bytes.length > MAX_CERTBOOK_ENTRY_BYTES) return null;
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return null;
  }
}
