import 'server-only';

import type { NextResponse } from 'next/server';

export const SESSION_COOKIE = 'sealpost_session';

/**
 * The session cookie's attributes: HttpOnly (no script reads it), SameSite=Strict (no other site
 * sends it, which is our CSRF defence), Path=/, Secure when the browser came over HTTPS. No
 * Max-Age: the server ends idle sessions, and the browser drops the cookie when it closes.
 */
export function sessionCookieOptions(secure: boolean) {
  return { httpOnly: true, sameSite: 'strict' as const, secure, path: '/' };
}

export function setSessionCookie(res: NextResponse, id: string, secure: boolean): void {
  res.cookies.set(SESSION_COOKIE, id, sessionCookieOptions(secure));
}

/** Expires the cookie with the same attributes, so the browser matches and drops it. */
export function clearSessionCookie(res: NextResponse, secure: boolean): void {
  res.cookies.set(SESSION_COOKIE, '', { ...sessionCookieOptions(secure), maxAge: 0 });
}
