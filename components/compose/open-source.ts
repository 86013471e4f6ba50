import { isPkcs7Mime } from '@/lib/compose/pkcs7-source';
import type { ComposeStart } from '@/lib/mail/compose-fields';
import { readMessage } from '@/lib/smime';

import type { ComposeSecurity } from './security-context';

// What a reply, a forward or a continued draft starts from: the original's readable bytes.

/** An encrypted original that cannot be opened: the message says why, for the user. */
export class SourceUnreadableError extends Error {}

/**
 * The original's readable bytes: an encrypted or opaque-signed one is opened with the user's
 * keys (the user asked to answer or continue it), in the S/MIME worker when there is one. Forward
 * as attachment keeps the bytes as they are.
 */
export async function openSource(
  raw: Uint8Array,
  mode: ComposeStart,
  security: ComposeSecurity | null,
): Promise<{ content: Uint8Array; encrypted: boolean; subjectHidden: boolean }> {
  if (!security || mode === 'forwardAsAttachment' || !isPkcs7Mime(raw)) return { content: raw, encrypted: false, subjectHidden: false };
  const what = mode === 'draft' ? 'This draft' : 'The original message';
  const [identities, trust] = await Promise.all([
    security.identities.identitiesForReading().catch(() => {
      throw new SourceUnreadableError(`${what} is encrypted, and your keys could not be read. Unlock them and try again.`);
    }),
    security.trust.trustSettings(),
  ]);
  const read = security.read ?? readMessage;
  const { report, plaintext } = await read(raw, { identities, trust, knownCertificates: security.certificates.knownCertificates() });
  const failed = [...report.errors, ...report.layers.flatMap((l) => l.errors)];
  const encrypted = report.encrypted || report.layers.some((l) => l.kind === 'enveloped' || l.kind === 'auth-enveloped');
  if (encrypted && failed.length && !report.text) {
    throw new SourceUnreadableError(`${what} is encrypted and could not be opened: ${failed[0]!.message}`);
  }
  // The sender kept the Subject out of the clear header (RFC 9788): the answer does the same.
  const subjectHidden = encrypted && (report.protectedHeaders?.confidential.includes('Subject') ?? false);
  return { content: plaintext, encrypted, subjectHidden };
}
