import 'server-only';

import { cookies } from 'next/headers';

import { config } from '../config';
import { AppError } from '../errors';
import { LoginThrottle } from './login-throttle';
import { type Session, SessionStore } from './session-store';

export const SESSION_COOKIE = 'sealpost_session';

// Next.js may load this module in more than one module graph; the process-wide state lives on
// globalThis so that every route sees the same sessions.
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
    setInterval(() => store.sweep(), 60_000).unref();
    g[STATE] = { store, throttle: new LoginThrottle() };
  }
  return g[STATE];
}

export const sessionStore = (): SessionStore => state().store;
export const loginThrottle = (): LoginThrottle => state().throttle;

/** Cookie attributes: HttpOnly and SameSite=Strict always, Secure when served over HTTPS. */
export function sessionCookieOptions(secure: boolean) {
  return { httpOnly: true, sameSite: 'strict' as const, secure, path: '/' };
}

export async function currentSession(): Promise<Session | null> {
  const jar = await cookies();
  return sessionStore().get(jar.get(SESSION_COOKIE)?.value);
}

export async function requireSession(): Promise<Session> {
  const session = await currentSession();
  if (!session) throw new AppError('not-signed-in');
  return session;
}
