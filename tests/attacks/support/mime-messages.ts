// Raw MIME for the attack tests: whole messages from header lines and an entity, multiparts of
// entities, and S/MIME entities made by lib/smime's own writer (signMessage, encryptMessage), so
// an attack message wraps real signatures and real ciphertext the way an attacker would.
import type * as pkijs from 'pkijs';

import { type Identity, type SignMessageOptions, encryptMessage, signMessage } from '@/lib/smime';

/** Bytes as written (latin1: one byte per character, like a raw message). */
export const bytes = (value: string): Uint8Array => Uint8Array.from(value, (c) => c.charCodeAt(0) & 0xff);
export const text = (raw: Uint8Array): string => Array.from(raw, (b) => String.fromCharCode(b)).join('');

/** A whole message: header lines, then the entity (its own Content-* fields and body). */
export const message = (headers: string[], entity: string): Uint8Array => bytes(`${headers.join('\r\n')}\r\n${entity}`);

/** A text entity. */
export const textEntity = (body: string, type = 'text/plain; charset=us-ascii', extra: string[] = []): string =>
  [`Content-Type: ${type}`, ...extra, '', body].join('\r\n');

let boundaries = 0;

/** A multipart entity of `parts` (each a complete entity), with a fresh boundary. */
export function multipart(subtype: 'mixed' | 'related' | 'alternative', parts: string[], extra: string[] = []): string {
  const boundary = `attack-${subtype}-${++boundaries}`;
  const body = parts.map((p) => `--${boundary}\r\n${p}\r\n`).join('');
  return [`Content-Type: multipart/${subtype}; boundary="${boundary}"`, ...extra, '', `${body}--${boundary}--`, ''].join('\r\n');
}

/** The MIME entity of a whole message: its Content-* fields (folds kept) and its body, byte for byte. */
export function entityOf(whole: Uint8Array | string): string {
  const source = typeof whole === 'string' ? whole : text(whole);
  const split = source.indexOf('\r\n\r\n');
  const head = source.slice(0, split);
  const body = source.slice(split + 4);
  const fields = head.split(/\r\n(?![ \t])/).filter((field) => /^content-/i.test(field));
  return `${fields.join('\r\n')}\r\n\r\n${body}`;
}

/** Adds header lines to an entity (e.g. Content-Disposition, Content-ID). */
export const withFields = (entity: string, fields: string[]): string => `${fields.join('\r\n')}\r\n${entity}`;

const WRITE_HEADERS = ['From: writer@example.org', 'To: bob@example.org', 'Subject: part'];

/** `entity` signed by `signer` with lib/smime (multipart/signed unless opaque), as an entity. */
export async function signedEntity(entity: string, signer: Identity, options: SignMessageOptions = {}): Promise<string> {
  return entityOf(await signMessage(message(WRITE_HEADERS, entity), signer, options));
}

/** `entity` encrypted to `recipients` with lib/smime (application/pkcs7-mime), as an entity. */
export async function encryptedEntity(entity: string, recipients: pkijs.Certificate[]): Promise<string> {
  return entityOf(await encryptMessage(message(WRITE_HEADERS, entity), recipients));
}
