import 'server-only';

import type { ApiError } from '@/lib/api/types';

import { config } from '../config';
import { forgetRecentCorrespondents } from '../contacts/recent-correspondents';
import { AppError, ERROR_RESPONSES } from '../errors';
import { withSessionImap } from '../imap/session-imap';
import type { Session } from '../session/session-store';
import { sessionStore } from '../session/sessions';
import { SmtpRejectedError, submitMessage } from '../smtp/smtp-client';

// Sending: the browser built (and maybe signed and encrypted) the whole message; we submit its
// exact bytes over SMTP, then APPEND the same bytes to Sent, so the copy there verifies and
// decrypts exactly like what the recipients got.

/** Largest message we submit (the stack's SMTP server advertises the same SIZE). */
export const MAX_MESSAGE_BYTES = 50 * 1024 * 1024;
/** Most envelope recipients of one message (RFC 5321 §4.5.3.1.8: servers take at least 100). */
export const MAX_RECIPIENTS = 100;
/** Most separate copies with one send (one per Bcc recipient at most, so the recipient bound holds them). */
export const MAX_SEPARATE_MESSAGES = MAX_RECIPIENTS;
/** All copies of one send together: one message's worth (the request body's own bound is about as large). */
export const MAX_SEND_TOTAL_BYTES = MAX_MESSAGE_BYTES;

export interface SendRequest {
  /** The complete RFC 5322 message with CRLF line ends; never modified. */
  raw: Buffer;
  /** SMTP envelope. `from` defaults to the session's address; `to` lists every recipient, Bcc included. */
  envelope: { from?: string; to: string[] };
  /**
   * Copies submitted to their own recipients only and not stored in Sent: an encrypted
   * message's envelope per Bcc recipient, an explicit unencrypted copy. With copies, `envelope.to`
   * may be empty: the main message then only goes to Sent.
   */
  separate?: { raw: Buffer; to: string[] }[];
}

export interface SeparateOutcome {
  to: string[];
  sent: boolean;
  /** Why the copy was not sent: the user-safe answer of its failure. */
  error?: ApiError['error'];
}

export interface SendOutcome {
  sent: true;
  /** False when the message went out but the copy could not be stored in Sent. */
  savedToSent: boolean;
  /** The Sent folder's path; null when it could not be found. */
  sentFolder: string | null;
  /** UID of the copy in Sent, when the server reports it (UIDPLUS). */
  uid?: number;
  /** One per separate copy, in order (empty without copies). */
  separate: SeparateOutcome[];
}

/**
 * Submits `raw` with the session's credentials, then each separate copy to its own recipients,
 * then stores `raw` in the special-use \Sent folder, flagged \Seen. Throws only when nothing was
 * sent: 'message-too-large', 'message-bad-line-ends', 'bad-request', 'smtp-unavailable',
 * 'smtp-auth-failed', 'smtp-rejected' (SmtpRejectedError). A refused main message stops the
 * send before any copy goes out. Once something went out, a refused copy is reported in
 * `separate` and a failed copy to Sent as savedToSent: false, never thrown: sending again would
 * duplicate what went out.
 */
export async function sendMessage(session: Session, { raw, envelope, separate = [] }: SendRequest): Promise<SendOutcome> {
  if (session.ended) throw new AppError('not-signed-in');
  checkBounds(raw, envelope.to, separate);
  const { smtp, tlsCaFile } = config();
  const submit = async (message: Buffer, to: string[]) => {
    try {
      await submitMessage({
        endpoint: smtp,
        caFile: tlsCaFile,
        user: session.username,
        password: sessionStore().password(session),
        from: envelope.from ?? session.email,
        to,
        message,
      });
    } catch (err) {
      if (err instanceof AppError && err.code === 'smtp-unavailable') {
        console.warn(`[sealpost] SMTP ${smtp.host}:${smtp.port} (${smtp.security}): ${err.message}`);
      }
      throw err;
    }
  };

  let anySent = false;
  if (envelope.to.length > 0) {
    await submit(raw, envelope.to);
    anySent = true;
  }
  const outcomes: SeparateOutcome[] = [];
  let firstFailure: unknown = null;
  for (const copy of separate) {
    try {
      await submit(copy.raw, copy.to);
      outcomes.push({ to: copy.to, sent: true });
      anySent = true;
    } catch (err) {
      firstFailure ??= err;
      if (!(err instanceof AppError)) console.error(`[sealpost] a separate copy for ${session.username} failed:`, err);
      outcomes.push({ to: copy.to, sent: false, error: userError(err) });
    }
  }
  if (!anySent) throw firstFailure;

  try {
    const saved = await saveToSent(session, raw);
    return { sent: true, savedToSent: saved.path !== null, sentFolder: saved.path, ...(saved.uid ? { uid: saved.uid } : {}), separate: outcomes };
  } catch (err) {
    const detail = err instanceof AppError ? `${err.code}: ${err.message}` : String(err);
    console.warn(`[sealpost] sent for ${session.username}, but not saved to Sent: ${detail}`);
    return { sent: true, savedToSent: false, sentFolder: null, separate: outcomes };
  } finally {
    // The recipients are recent correspondents now: completion reads Sent again.
    forgetRecentCorrespondents(session);
  }
}

/** Sizes and recipients: each copy within its bounds, every recipient once across all copies. */
function checkBounds(raw: Buffer, to: string[], separate: { raw: Buffer; to: string[] }[]): void {
  if (separate.length > MAX_SEPARATE_MESSAGES) throw new AppError('bad-request', `${separate.length} separate copies`);
  const sizes = [raw.length, ...separate.map((s) => s.raw.length)];
  if (sizes.some((n) => n > MAX_MESSAGE_BYTES)) throw new AppError('message-too-large', `a copy of ${Math.max(...sizes)} bytes`);
  const total = sizes.reduce((a, b) => a + b, 0);
  if (total > MAX_SEND_TOTAL_BYTES) throw new AppError('message-too-large', `${total} bytes in all copies`);
  if (to.length === 0 && separate.length === 0) throw new AppError('bad-request', 'no recipients');
  if (separate.some((s) => s.to.length === 0)) throw new AppError('bad-request', 'a separate copy without recipients');
  const all = [to, ...separate.map((s) => s.to)].flat().map((a) => a.toLowerCase());
  if (all.length > MAX_RECIPIENTS) throw new AppError('bad-request', `${all.length} recipients`);
  // A recipient in two envelopes would get two copies (and, for Bcc, be listed where they must not be).
  if (new Set(all).size !== all.length) throw new AppError('bad-request', 'a recipient in more than one copy');
}

/** What the user reads about a copy that was not sent: the server's reply, or a fixed message. */
function userError(err: unknown): ApiError['error'] {
  if (err instanceof SmtpRejectedError) return err.toApiError().error;
  const code = err instanceof AppError ? err.code : 'internal';
  return { code, message: ERROR_RESPONSES[code].message };
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
