import { NextResponse } from 'next/server';
import { z } from 'zod';

import type { SessionInfo } from '@/lib/api/types';
import { config } from '@/server/config';
import { clientAddress, handle, isHttpsRequest, parseOrThrow, readJsonBody } from '@/server/http';
import { login } from '@/server/session/login';
import { clearSessionCookie, setSessionCookie } from '@/server/session/session-cookie';
import { endCurrentSession, requireSession } from '@/server/session/sessions';

const LoginBody = z.object({
  username: z.string().trim().min(1).max(320),
  password: z.string().min(1).max(1024),
});

/** Sign in: { username, password } -> 200 SessionInfo and the session cookie. */
export async function POST(request: Request) {
  return handle(async () => {
    const body = parseOrThrow(LoginBody, await readJsonBody(request));
    const session = await login(body.username, body.password, clientAddress(request.headers, config().trustedProxies));
    const res = NextResponse.json<SessionInfo>({ username: session.username, email: session.email });
    setSessionCookie(res, session.id, isHttpsRequest(request.headers, request.url));
    return res;
  });
}

/** Who is signed in: 200 SessionInfo, or 401 'not-signed-in'. */
export async function GET() {
  return handle(async () => {
    const session = await requireSession();
    return { username: session.username, email: session.email } satisfies SessionInfo;
  });
}

/** Sign out: ends the session and its IMAP connection; 204 even without a session. */
export async function DELETE(request: Request) {
  return handle(async () => {
    await endCurrentSession();
    const res = new NextResponse(null, { status: 204 });
    clearSessionCookie(res, isHttpsRequest(request.headers, request.url));
    return res;
  });
}
