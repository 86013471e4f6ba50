import 'server-only';

import type { ImapFlow } from 'imapflow';

import { config } from '../config';
import { AppError } from '../errors';
import type { Session } from '../session/session-store';
import { sessionStore } from '../session/sessions';
import { openImap } from './connection';
import { mapImapError } from './imap-errors';

/**
 * The session's one IMAP connection: reused while usable, reopened (once at a time) after a
 * drop. When the server no longer accepts the stored password the session ends.
 */
async function sessionClient(session: Session): Promise<ImapFlow> {
  if (session.ended) throw new AppError('not-signed-in');
  if (session.imap?.usable) return session.imap;
  if (session.imap) {
    session.imap.close();
    session.imap = undefined;
  }
  session.imapConnecting ??= (async () => {
    try {
      const client = await openImap(config().imap, session.username, sessionStore().password(session), {
        clientIp: session.clientIp,
      });
      if (session.ended) {
        client.close();
        throw new AppError('not-signed-in');
      }
      session.imap = client;
      return client;
    } catch (err) {
      if (err instanceof AppError && err.code === 'auth-failed') {
        // The password changed since sign-in: the user must sign in again.
        sessionStore().destroy(session.id);
        throw new AppError('not-signed-in', 'the IMAP server refused the stored credentials');
      }
      throw err;
    } finally {
      session.imapConnecting = undefined;
    }
  })();
  return session.imapConnecting;
}

/**
 * Runs `work` on the session's IMAP connection and maps its failures to coded errors. A
 * connection that died while idle (server autologout, a restarted server, a NAT timeout) fails
 * its first command; that command is tried once more on a fresh connection, so `work` must be
 * safe to repeat (reads are).
 */
export async function withSessionImap<T>(session: Session, work: (client: ImapFlow) => Promise<T>): Promise<T> {
  const client = await sessionClient(session);
  try {
    return await work(client);
  } catch (err) {
    const mapped = mapImapError(err);
    if (mapped.code !== 'imap-unavailable') throw mapped;
    if (session.imap === client) session.imap = undefined;
    client.close();
    try {
      return await work(await sessionClient(session));
    } catch (retryErr) {
      throw mapImapError(retryErr);
    }
  }
}
