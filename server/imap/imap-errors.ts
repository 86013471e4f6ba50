import 'server-only';

import { AppError } from '../errors';

// imapflow reports failures through several shapes: Node socket errors (`code: 'ECONNREFUSED'`),
// its own codes (`NoConnection`, `ETIMEOUT`, see imapflow's ImapFlowErrorCode), and tagged NO/BAD
// answers (`responseStatus`, `serverResponseCode` from RFC 5530 response codes,
// `authenticationFailed` on LOGIN). This module turns them into our coded errors.

/** The connection is gone, never came up, or timed out: the server "cannot be reached". */
const UNREACHABLE_CODES = new Set([
  // Node: socket and DNS
  'ECONNREFUSED', 'ECONNRESET', 'ECONNABORTED', 'ETIMEDOUT', 'EHOSTUNREACH', 'EHOSTDOWN', 'ENETUNREACH',
  'ENETDOWN', 'ENOTFOUND', 'EAI_AGAIN', 'EPIPE', 'ERR_SOCKET_CLOSED',
  // imapflow
  'NoConnection', 'EConnectionClosed', 'StateLogout', 'ClosedAfterConnectText', 'ClosedAfterConnectTLS',
  'CONNECT_TIMEOUT', 'GREETING_TIMEOUT', 'UPGRADE_TIMEOUT', 'ETIMEOUT', 'LockTimeout', 'ETHROTTLE',
]);

/** RFC 5530 codes saying the server cannot serve us right now (or is misconfigured for us). */
const UNAVAILABLE_RESPONSE_CODES = new Set(['UNAVAILABLE', 'SERVERBUG', 'LIMIT', 'INUSE', 'PRIVACYREQUIRED', 'CONTACTADMIN']);

/** RFC 5530 codes refusing these credentials. */
const AUTH_RESPONSE_CODES = new Set(['AUTHENTICATIONFAILED', 'AUTHORIZATIONFAILED', 'EXPIRED']);

interface ImapFailure {
  code?: unknown;
  syscall?: unknown;
  authenticationFailed?: boolean;
  serverResponseCode?: unknown;
  responseStatus?: unknown;
  message?: unknown;
}

const isTlsFailure = (code: string) =>
  code.startsWith('ERR_TLS_') || code.startsWith('ERR_SSL_') || /CERT|SELF_SIGNED|UNABLE_TO_(GET|VERIFY)/.test(code);

/** True when the IMAP server refused a command with a tagged NO or BAD. */
export function isServerRefusal(err: unknown): boolean {
  const status = (err as ImapFailure | null)?.responseStatus;
  return status === 'NO' || status === 'BAD';
}

/** Turns what imapflow throws into one of our coded errors; unknown failures become 'internal'. */
export function mapImapError(err: unknown): AppError {
  if (err instanceof AppError) return err;
  const e = (err ?? {}) as ImapFailure;
  const code = typeof e.code === 'string' ? e.code : '';
  const responseCode = typeof e.serverResponseCode === 'string' ? e.serverResponseCode.toUpperCase() : '';
  const detail = [code, responseCode, typeof e.message === 'string' ? e.message : String(err)].filter(Boolean).join(' ');

  // Checked before authenticationFailed: Dovecot answers LOGIN with NO [UNAVAILABLE] when its
  // password database is down, which says nothing about the password.
  if (UNAVAILABLE_RESPONSE_CODES.has(responseCode)) return new AppError('imap-unavailable', detail);
  if (AUTH_RESPONSE_CODES.has(responseCode) || e.authenticationFailed === true) return new AppError('auth-failed', detail);
  if (responseCode === 'NONEXISTENT') return new AppError('folder-not-found', detail);
  if (UNREACHABLE_CODES.has(code) || typeof e.syscall === 'string' || isTlsFailure(code)) {
    return new AppError('imap-unavailable', detail);
  }
  return new AppError('internal', detail);
}
