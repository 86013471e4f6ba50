import { type NextRequest, NextResponse } from 'next/server';

import { SECURITY_HEADERS, contentSecurityPolicy, newNonce } from '@/lib/security/content-security-policy';

/**
 * Every page gets a Content-Security-Policy with a fresh script nonce. Next.js reads the nonce
 * from the request's CSP header and puts it on its own scripts while rendering, so pages must
 * render per request (the root layout waits for the request).
 */
export function proxy(request: NextRequest) {
  const mailView = request.nextUrl.pathname === '/mail' || request.nextUrl.pathname.startsWith('/mail/');
  const csp = contentSecurityPolicy({
    nonce: newNonce(),
    dev: process.env.NODE_ENV === 'development',
    remoteImages: mailView,
    pdfPreview: mailView,
  });
  const requestHeaders = new Headers(request.headers);
  requestHeaders.set('Content-Security-Policy', csp);
  const response = NextResponse.next({ request: { headers: requestHeaders } });
  response.headers.set('Content-Security-Policy', csp);
  for (const { key, value } of SECURITY_HEADERS) response.headers.set(key, value);
  return response;
}

export const config = {
  matcher: [
    {
      // Pages only: API answers, build assets and public files have their headers from next.config.js.
      source: '/((?!api/|_next/static|_next/image|favicon\\.svg).*)',
      missing: [
        { type: 'header', key: 'next-router-prefetch' },
        { type: 'header', key: 'purpose', value: 'prefetch' },
      ],
    },
  ],
};
