import 'server-only';

import { config } from '../config';
import { forgetRecentCorrespondents } from '../contacts/recent-correspondents';
import { AppError } from '../errors';
import { withSessionImap } from '../imap/session-imap';
import type { Session } from '../session/session-store';
import { sessionStore } from '../session/sessions';
import { submitMessage } from '../smtp/smtp-client';

// Sending: the browser built (and maybe signed and encrypted) the whole message; we submit its
// exact bytes over SMTP, then APPEND the same bytes to Sent, so the copy there verifies and
// decrypts exactly like what the recipients got.

/** Largest message we submit (the stack's SMTP server advertises the same SIZE). */
export const MAX_MESSAGE_BYTES = 50 * 1024 * 1024;
/** Most envelope recipients of one message (RFC 5321 §4.5.3.1.8: servers take at least 100). */
export const MAX_RECIPIENTS = 100;

export interface SendRequest {
  /** The complete RFC 5322 message with CRLF line ends; never modified. */
  raw: Buffer;
  /** SMTP envelope. `from` defaults to the session's address; `to` lists every recipient, Bcc included. */
  envelope: { from?: string; to: string[] };
  /**
   * False for a copy that must not be stored: a protected message's envelope for one Bcc
   * recipient, an explicit unencrypted copy (the browser sends each in its own request and
   * stores the main message, see lib/api/send-protected.ts).
   */
  saveToSent?: boolean;
}

export interface SendOutcome {
  sent: true;
  /** False when the message went out but the copy could not be stored in Sent (or none was asked for). */
  savedToSent: boolean;
  /** The Sent folder's path; null when it could not be found or nothing was stored. */
  sentFolder: string | null;
  /** UID of the copy in Sent, when the server reports it (UIDPLUS). */
  uid?: number;
}

/**
 * Submits `raw` with the session's credentials, then (unless `saveToSent` is false) stores it
 * in the special-use \Sent folder, flagged \Seen. Throws only when nothing was sent:
 * 'message-too-large', 'message-bad-line-ends', 'bad-request', 'smtp-unavailable',
 * 'smtp-auth-failed', 'smtp-rejected' (SmtpRejectedError). Once the message went out, a failed
 * copy to Sent is savedToSent: false, never thrown: sending again would duplicate it.
 */
export async function sendMessage(session: Session, { raw, envelope, saveToSent = true }: SendRequest): Promise<SendOutcome> {
  if (session.ended) throw new AppError('not-signed-in');
  checkBounds(raw, envelope.to);
  const { smtp, tlsCaFile } = config();
  try {
    await submitMessage({
      endpoint: smtp,
      caFile: tlsCaFile,
      user: session.username,
      password: sessionStore().password(session),
      from: envelope.from ?? session.email,
      to: envelope.to,
      message: raw,
    });
  } catch (err) {
    if (err instanceof AppError && err.code === 'smtp-unavailable') {
      console.warn(`[sealpost] SMTP ${smtp.host}:${smtp.port} (${smtp.security}): ${err.message}`);
    }
    throw err;
  }
  if (!saveToSent) {
    forgetRecentCorrespondents(session);
    return { sent: true, savedToSent: false, sentFolder: null };
  }
  return { sent: true, ...(await storeSentCopy(session, raw)) };
}

/**
 * Stores `raw` in \Sent without sending it: the main message of a protected send whose every
 * recipient got a copy of their own (all Bcc). Never throws once the session is valid: a copy
 * that could not be stored is savedToSent: false, like after a send.
 */
export async function storeSentCopy(session: Session, raw: Buffer): Promise<Omit<SendOutcome, 'sent'>> {
  if (session.ended) throw new AppError('not-signed-in');
  if (raw.length > MAX_MESSAGE_BYTES) throw new AppError('message-too-large', `${raw.length} bytes`);
  try {
    const saved = await saveToSent(session, raw);
    return { savedToSent: saved.path !== null, sentFolder: saved.path, ...(saved.uid ? { uid: saved.uid } : {}) };
  } catch (err) {
    const detail = err instanceof AppError ? `${err.code}: ${err.message}` : String(err);
    console.warn(`[sealpost] sent for ${session.username}, but not saved to Sent: ${detail}`);
    return { savedToSent: false, sentFolder: null };
  } finally {
    // The recipients are recent correspondents now: completion reads Sent again.
    forgetRecentCorrespondents(session);
  }
}

/** Size and recipients within bounds, every recipient once. */
function checkBounds(raw: Buffer, to: string[]): void {
  if (raw.length > MAX_MESSAGE_BYTES) throw new AppError('message-too-large', `${raw.length} bytes`);
  if (to.length === 0) throw new AppError('bad-request', 'no recipients');
  if (to.length > MAX_RECIPIENTS) throw new AppError('bad-request', `${to.length} recipients`);
  // A recipient listed twice would get two copies.
  if (new Set(to.map((a) => a.toLowerCase())).size !== to.length) throw new AppError('bad-request', 'a recipient listed twice');
}

/** APPENDs `raw` to the \Sent folder; path null when the account has none. */
async function saveToSent(session: Session, raw: Buffer): Promise<{ path: string | null; uid?: number }> {
  let appendTried = false;
  return withSessionImap(session, async (client) => {
    const sent = (await client.list()).find((f) => f.specialUse === '\\Sent');
    if (!sent) {
      console.warn(`[sealpost] no \\Sent folder for ${session.username}; the sent message was not saved`);
      return { path: null };
    }
    // withSessionImap repeats the work once after a dropped connection. A dropped APPEND may
    // still have been stored, so it is not repeated: a missing copy beats a duplicate.
    if (appendTried) throw new AppError('imap-unavailable', 'the connection dropped during APPEND');
    appendTried = true;
    const result = await client.append(sent.path, raw, ['\\Seen']);
    if (!result) throw new AppError('internal', 'APPEND was not run');
    return { path: sent.path, uid: result.uid };
  });
}
