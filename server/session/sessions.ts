import 'server-only';

import { cookies, headers } from 'next/headers';

import { BACKGROUND_HEADER } from '@/lib/api/background';

import { config } from '../config';
import { AppError } from '../errors';
import { LoginThrottle } from './login-throttle';
import { SESSION_COOKIE } from './session-cookie';
import { type Session, SessionStore } from './session-store';

// Next.js may load this module in more than one module graph (pages, route handlers); the
// process-wide state lives on globalThis under a Symbol so that every route sees the same
// sessions.
const STATE = Symbol.for('sealpost.sessions');
interface State {
  store: SessionStore;
  throttle: LoginThrottle;
}

function state(): State {
  const g = globalThis as typeof globalThis & { [STATE]?: State };
  if (!g[STATE]) {
    const { sessionSecret, sessionIdleMs } = config();
    const store = new SessionStore(sessionSecret, sessionIdleMs);
    // Ends idle sessions (and their IMAP connections) even when nobody asks for them again.
    setInterval(() => store.sweep(), 60_000).unref();
    g[STATE] = { store, throttle: new LoginThrottle() };
  }
  return g[STATE];
}

export const sessionStore = (): SessionStore => state().store;
export const loginThrottle = (): LoginThrottle => state().throttle;

/**
 * The request's live session, or null. For pages and route handlers. It counts as activity
 * (touched) unless the browser marked the request as its own background read (new mail arriving
 * must not keep an unattended session alive).
 */
export async function currentSession(): Promise<Session | null> {
  const jar = await cookies();
  const background = (await headers()).get(BACKGROUND_HEADER) === '1';
  return sessionStore().get(jar.get(SESSION_COOKIE)?.value, { touch: !background });
}

export async function requireSession(): Promise<Session> {
  const session = await currentSession();
  if (!session) throw new AppError('not-signed-in');
  return session;
}

/** Signs out: ends the request's session, if any, and closes its IMAP connection. */
export async function endCurrentSession(): Promise<void> {
  const id = (await cookies()).get(SESSION_COOKIE)?.value;
  if (id) sessionStore().destroy(id);
}
