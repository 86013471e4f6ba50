import 'server-only';

import type { ApiErrorCode } from '@/lib/api/types';

// Expected failures carry a code from one union (lib/api/types.ts); only the fixed messages of
// this table reach the browser. Anything else is logged with a request id and answered as
// 'internal'.

export class AppError extends Error {
  constructor(
    readonly code: ApiErrorCode,
    /** For the server log only; never sent to the browser. */
    detail?: string,
  ) {
    super(detail ?? code);
    this.name = 'AppError';
  }
}

export const ERROR_RESPONSES: Readonly<Record<ApiErrorCode, { status: number; message: string }>> = {
  'bad-request': { status: 400, message: 'The request was not understood.' },
  'not-signed-in': { status: 401, message: 'Your session has ended. Please sign in again.' },
  'auth-failed': { status: 401, message: 'Wrong username or password.' },
  'too-many-attempts': { status: 429, message: 'Too many failed sign-in attempts. Wait a few minutes and try again.' },
  'imap-unavailable': { status: 503, message: 'The mail server cannot be reached. Try again later.' },
  'folder-not-found': { status: 404, message: 'That folder does not exist (any more).' },
  'message-too-large': { status: 413, message: 'The message is too large to send (at most 50 MB).' },
  'message-bad-line-ends': { status: 400, message: 'The message was not sent: its lines must end with CRLF.' },
  'smtp-unavailable': { status: 503, message: 'The outgoing mail server cannot be reached. Try again later.' },
  'smtp-auth-failed': { status: 502, message: 'The outgoing mail server did not accept your sign-in. The message was not sent.' },
  // SmtpRejectedError (server/smtp/smtp-client.ts) answers with the server's reply instead.
  'smtp-rejected': { status: 422, message: 'The outgoing mail server refused the message. It was not sent.' },
  'message-not-found': { status: 404, message: 'That message does not exist (any more).' },
  'directory-unavailable': { status: 503, message: 'The address directory cannot be reached. Try again later.' },
  'folder-exists': { status: 409, message: 'A folder with that name already exists there.' },
  'folder-protected': { status: 403, message: 'Inbox and the special folders (Drafts, Sent, Archive, Junk, Trash) cannot be renamed or deleted.' },
  'invalid-folder-name': { status: 400, message: 'The mail server does not accept that folder name. Try another name.' },
  'folder-not-empty': { status: 409, message: 'The folder holds more messages than you confirmed. Nothing was deleted; look again and retry.' },
  'folder-changed': { status: 409, message: 'The folder changed since you confirmed. Nothing was deleted; try again.' },
  internal: { status: 500, message: 'Something went wrong on the server.' },
  'no-drafts-folder': { status: 404, message: 'This account has no Drafts folder, so the draft could not be saved.' },
  'pki-fetch-refused': { status: 403, message: 'The server does not fetch that address (only public http and https addresses).' },
  'pki-fetch-failed': { status: 502, message: 'The revocation or certificate server could not be reached or gave no answer.' },
  'pki-fetch-too-large': { status: 502, message: 'The revocation or certificate server answered with too much data.' },
  'pki-fetch-timeout': { status: 504, message: 'The revocation or certificate server did not answer in time.' },
  'pki-fetch-rate-limited': { status: 429, message: 'Too many revocation checks in a short time. Try again in a minute.' },
  'certbook-full': { status: 409, message: 'Your certificate address book is full (at most 2,000 certificates). Delete some and try again.' },
  'certbook-entry-too-large': { status: 413, message: 'That certificate is too large to keep in the address book (at most 64 kB).' },
};
