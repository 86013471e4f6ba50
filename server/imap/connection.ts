import 'server-only';

import fs from 'node:fs';

import { ImapFlow } from 'imapflow';

import { config, type ServerEndpoint } from '../config';
import { AppError } from '../errors';
import type { Session, SessionStore } from '../session/session-store';

const NETWORK_CODES = new Set([
  'ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN', 'EPIPE',
  'NoConnection', 'ConnectionClosed', 'ETIMEOUT', 'CONNECT_TIMEOUT', 'GREETING_TIMEOUT', 'UPGRADE_TIMEOUT',
]);

/** Turns what imapflow throws into our coded errors (imapflow reports through several shapes). */
export function mapImapError(err: unknown): AppError {
  if (err instanceof AppError) return err;
  const e = err as { authenticationFailed?: boolean; serverResponseCode?: string; code?: string; message?: string };
  if (e?.authenticationFailed || e?.serverResponseCode === 'AUTHENTICATIONFAILED') return new AppError('auth-failed');
  if (e?.serverResponseCode === 'NONEXISTENT' || e?.serverResponseCode === 'TRYCREATE') return new AppError('folder-not-found');
  if (e?.code && NETWORK_CODES.has(e.code)) return new AppError('imap-unavailable', e.message);
  if (/timeout|closed|connect/i.test(e?.message ?? '')) return new AppError('imap-unavailable', e?.message);
  return new AppError('internal', e?.message ?? String(err));
}

function tlsOptions(endpoint: ServerEndpoint) {
  const ca = config().tlsCaFile;
  return { servername: endpoint.host, ...(ca ? { ca: fs.readFileSync(ca) } : {}) };
}

/** Opens and authenticates one IMAP connection. */
export async function openImap(endpoint: ServerEndpoint, user: string, pass: string): Promise<ImapFlow> {
  const client = new ImapFlow({
    host: endpoint.host,
    port: endpoint.port,
    secure: endpoint.security === 'tls',
    doSTARTTLS: endpoint.security === 'starttls' ? true : endpoint.security === 'none' ? false : undefined,
    tls: tlsOptions(endpoint),
    auth: { user, pass },
    logger: false,
    connectionTimeout: 10_000,
    greetingTimeout: 10_000,
    disableAutoIdle: true,
  });
  // imapflow emits 'error' on dropped sockets; without a listener Node would crash the process.
  client.on('error', () => {});
  try {
    await client.connect();
    return client;
  } catch (err) {
    client.close();
    throw mapImapError(err);
  }
}

/** The session's IMAP connection: reused while usable, reopened after a drop (once at a time). */
export async function sessionImap(store: SessionStore, session: Session): Promise<ImapFlow> {
  if (session.imap?.usable) return session.imap;
  session.imapConnecting ??= openImap(config().imap, session.username, store.password(session))
    .then((client) => {
      session.imap = client;
      return client;
    })
    .finally(() => {
      session.imapConnecting = undefined;
    });
  return session.imapConnecting;
}
