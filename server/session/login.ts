import 'server-only';

import { config } from '../config';
import { AppError } from '../errors';
import { openImap } from '../imap/connection';
import type { Session } from './session-store';
import { loginThrottle, sessionStore } from './sessions';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The user's address: the login itself when it is one, else login@SEALPOST_MAIL_DOMAIN. */
function emailFor(username: string, domain: string | undefined): string {
  return username.includes('@') || !domain ? username : `${username}@${domain}`;
}

/**
 * Checks the credentials by logging in to IMAP and keeps that connection for the new session.
 * Failed attempts are slowed down per username and client address.
 */
export async function login(username: string, password: string, clientIp: string): Promise<Session> {
  const throttle = loginThrottle();
  const delay = throttle.delayFor(username, clientIp);
  if (delay === 'refuse') throw new AppError('too-many-attempts');
  if (delay > 0) await sleep(delay);

  const { imap, mailDomain } = config();
  let client;
  try {
    client = await openImap(imap, username, password);
  } catch (err) {
    if (err instanceof AppError && err.code === 'auth-failed') throw (throttle.failed(username, clientIp), err);
    throw err;
  }
  throttle.succeeded(username, clientIp);
  // The server may know the user by a canonical address (Dovecot's auth_username_format).
  const canonical = (client.authenticated && typeof client.authenticated === 'string' ? client.authenticated : username).trim();
  const session = sessionStore().create(canonical, emailFor(canonical, mailDomain), password);
  session.imap = client;
  return session;
}
