import 'server-only';

import type { ImapFlow } from 'imapflow';

import { config } from '../config';
import { AppError } from '../errors';
import { openImap } from '../imap/connection';
import type { Session } from './session-store';
import { endCurrentSession, loginThrottle, sessionStore } from './sessions';

/** The user's address: the login itself when it is one, else login@SEALPOST_MAIL_DOMAIN. */
export function emailFor(username: string, domain: string | undefined): string {
  return username.includes('@') || !domain ? username : `${username}@${domain}`;
}

const isWrongPassword = (err: unknown) => err instanceof AppError && err.code === 'auth-failed';

/**
 * Signs in: checks the credentials by logging in to IMAP and keeps that connection for the new
 * session (which replaces the request's previous one). Attempts are slowed down per username
 * and client address. Throws 'auth-failed', 'imap-unavailable' or 'too-many-attempts'.
 */
export async function login(username: string, password: string, clientIp: string): Promise<Session> {
  const { imap, mailDomain } = config();
  const client: ImapFlow = await loginThrottle().attempt(
    username,
    clientIp,
    () => openImap(imap, username, password, { clientIp }),
    isWrongPassword,
  );
  await endCurrentSession();
  // The server may know the user by a canonical name (Dovecot's auth_username_format).
  const canonical = typeof client.authenticated === 'string' && client.authenticated ? client.authenticated : username;
  const session = sessionStore().create(canonical, emailFor(canonical, mailDomain), password, clientIp);
  session.imap = client;
  return session;
}
