import { cookies, headers } from 'next/headers';
import { NextResponse } from 'next/server';
import { z } from 'zod';

import type { SessionInfo } from '@/lib/api/types';
import { handle, parseOrThrow } from '@/server/http';
import { login } from '@/server/session/login';
import { SESSION_COOKIE, requireSession, sessionCookieOptions, sessionStore } from '@/server/session/sessions';

const LoginBody = z.object({
  username: z.string().trim().min(1).max(320),
  password: z.string().min(1).max(1024),
});

async function requestFacts() {
  const h = await headers();
  return {
    ip: h.get('x-forwarded-for')?.split(',')[0]?.trim() || h.get('x-real-ip') || 'local',
    https: h.get('x-forwarded-proto') === 'https',
  };
}

/** Sign in: checks the credentials against IMAP and sets the session cookie. */
export async function POST(request: Request) {
  return handle(async () => {
    const body = parseOrThrow(LoginBody, await request.json().catch(() => null));
    const { ip, https } = await requestFacts();
    const session = await login(body.username, body.password, ip);
    const res = NextResponse.json<SessionInfo>({ username: session.username, email: session.email });
    res.cookies.set(SESSION_COOKIE, session.id, sessionCookieOptions(https || new URL(request.url).protocol === 'https:'));
    return res;
  });
}

/** Who is signed in. */
export async function GET() {
  return handle(async () => {
    const session = await requireSession();
    return { username: session.username, email: session.email } satisfies SessionInfo;
  });
}

/** Sign out: ends the session and its IMAP connection. */
export async function DELETE() {
  return handle(async () => {
    const jar = await cookies();
    const id = jar.get(SESSION_COOKIE)?.value;
    if (id) sessionStore().destroy(id);
    jar.delete(SESSION_COOKIE);
    return new NextResponse(null, { status: 204 });
  });
}
