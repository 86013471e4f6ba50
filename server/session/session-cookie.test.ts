import { NextResponse } from 'next/server';
import { describe, expect, it } from 'vitest';

import { SESSION_COOKIE, clearSessionCookie, setSessionCookie } from './session-cookie';

function setCookieHeader(fn: (res: NextResponse) => void): string {
  const res = NextResponse.json({});
  fn(res);
  return res.headers.get('set-cookie') ?? '';
}

describe('session cookie', () => {
  it('is sealpost_session, HttpOnly, SameSite=Strict, Path=/, without Secure over plain HTTP', () => {
    const header = setCookieHeader((res) => setSessionCookie(res, 'abc', false));
    expect(header).toMatch(new RegExp(`^${SESSION_COOKIE}=abc;`));
    expect(header).toMatch(/; HttpOnly/i);
    expect(header).toMatch(/; SameSite=Strict/i);
    expect(header).toMatch(/; Path=\//);
    expect(header).not.toMatch(/Secure/i);
    expect(header).not.toMatch(/Max-Age|Expires/i);
  });

  it('is Secure when the browser came over HTTPS', () => {
    expect(setCookieHeader((res) => setSessionCookie(res, 'abc', true))).toMatch(/; Secure/i);
  });

  it('is expired on sign-out with the same attributes', () => {
    const header = setCookieHeader((res) => clearSessionCookie(res, true));
    expect(header).toMatch(/^sealpost_session=;/);
    expect(header).toMatch(/Max-Age=0/);
    expect(header).toMatch(/; Path=\//);
    expect(header).toMatch(/; Secure/i);
  });
});
