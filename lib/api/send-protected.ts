// A protected send is several messages: the main one (stored in Sent) and separate copies (a
// Bcc recipient's own envelope, an explicit unencrypted copy). Each goes up in its own request,
// so a large attachment with a Bcc stays within one message's size per request, and the outcome
// of each is reported: a refused copy never hides behind a sent main message.
import { ApiRequestError } from './request-error';
import type { ProtectedSendResult, SendResult, SeparateSubmissionOutcome, StoredSentCopy } from './types';

/** Upload progress: bytes sent so far, of `total`. */
export type UploadProgress = (sent: number, total: number) => void;

/** What a protected send needs from the server: one submission per call, and storing in Sent. */
export interface SendTransport {
  /** Submits `raw` to `to`, storing it in Sent only with `saveToSent`; throws when it was not sent. */
  send(raw: Uint8Array, to: string[], saveToSent: boolean, onProgress: UploadProgress): Promise<SendResult>;
  /** Stores `raw` in Sent without sending it. */
  storeSent(raw: Uint8Array, onProgress: UploadProgress): Promise<StoredSentCopy>;
}

export interface OutgoingCopy {
  raw: Uint8Array;
  to: string[];
}

/**
 * Sends the main message first (it goes to Sent with it), then each copy in order. A refused
 * main message stops the send before any copy goes out. When the main message has no
 * recipients (all Bcc), it is stored in Sent once a copy went out, and the first failure is
 * thrown when none did. Once something went out nothing is thrown: sending again would
 * duplicate it. Progress counts the bytes of every message together.
 */
export async function sendProtected(transport: SendTransport, main: OutgoingCopy, separate: OutgoingCopy[], onProgress: UploadProgress): Promise<ProtectedSendResult> {
  const total = main.raw.length + separate.reduce((n, c) => n + c.raw.length, 0);
  let done = 0;
  // Each request reports its own body's bytes (base64 in JSON): scaled to its message's share.
  const progressOf = (size: number): UploadProgress => (sent, of) => onProgress(done + (of > 0 ? Math.min(1, sent / of) : 0) * size, total);
  const step = async <T>(size: number, work: (p: UploadProgress) => Promise<T>): Promise<T> => {
    try {
      return await work(progressOf(size));
    } finally {
      done += size;
      onProgress(done, total);
    }
  };

  let stored: StoredSentCopy | null = null;
  if (main.to.length > 0) stored = await step(main.raw.length, (p) => transport.send(main.raw, main.to, true, p));

  const outcomes: SeparateSubmissionOutcome[] = [];
  let firstFailure: unknown = null;
  for (const copy of separate) {
    try {
      await step(copy.raw.length, (p) => transport.send(copy.raw, copy.to, false, p));
      outcomes.push({ to: copy.to, sent: true });
    } catch (err) {
      firstFailure ??= err;
      outcomes.push({ to: copy.to, sent: false, error: userError(err) });
    }
  }

  if (!stored) {
    if (!outcomes.some((c) => c.sent)) throw firstFailure ?? new ApiRequestError('bad-request', 'The message has no recipients.', 0);
    stored = await step(main.raw.length, (p) => transport.storeSent(main.raw, p)).catch((): StoredSentCopy => ({ savedToSent: false, sentFolder: null }));
  }
  return { sent: true, savedToSent: stored.savedToSent, sentFolder: stored.sentFolder, separate: outcomes };
}

/** What the user reads about a copy that was not sent: the server's message, or a fixed one. */
function userError(err: unknown): NonNullable<SeparateSubmissionOutcome['error']> {
  if (err instanceof ApiRequestError) return { code: err.code, message: err.message };
  return { code: 'internal', message: 'The copy could not be sent.' };
}
