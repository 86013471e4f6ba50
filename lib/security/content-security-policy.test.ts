import { describe, expect, it } from 'vitest';

import { API_CSP, SECURITY_HEADERS, contentSecurityPolicy, newNonce } from './content-security-policy';

const directives = (csp: string) => new Map(csp.split('; ').map((d) => [d.split(' ')[0]!, d.split(' ').slice(1).join(' ')]));

describe('content security policy', () => {
  const nonce = newNonce();

  it('allows scripts only with the nonce, never eval or inline', () => {
    const d = directives(contentSecurityPolicy({ nonce }));
    expect(d.get('script-src')).toBe(`'self' 'nonce-${nonce}' 'strict-dynamic'`);
    expect(contentSecurityPolicy({ nonce })).not.toMatch(/unsafe-eval|script-src[^;]*unsafe-inline/);
    expect(contentSecurityPolicy({ nonce, dev: true })).toContain("'unsafe-eval'");
  });

  it('has the fixed directives', () => {
    const d = directives(contentSecurityPolicy({ nonce }));
    expect(Object.fromEntries(d)).toMatchObject({
      'default-src': "'self'",
      'img-src': "'self' data: blob: https: http:",
      'connect-src': "'self' blob: wss://127.0.0.1:* wss://localhost:*",
      'frame-src': 'blob:',
      'object-src': 'blob:',
      'base-uri': "'none'",
      'form-action': "'self'",
      'frame-ancestors': "'none'",
    });
  });


  it('makes a new 16-byte nonce each time and refuses a weak one', () => {
    expect(Buffer.from(nonce, 'base64')).toHaveLength(16);
    expect(newNonce()).not.toBe(nonce);
    expect(() => contentSecurityPolicy({ nonce: "x'; script-src *" })).toThrow();
    expect(() => contentSecurityPolicy({ nonce: 'c2hvcnQ=' })).toThrow();
  });

  it('sends nosniff, no referrer and WebUSB for our own pages only', () => {
    const h = Object.fromEntries(SECURITY_HEADERS.map(({ key, value }) => [key, value]));
    expect(h['X-Content-Type-Options']).toBe('nosniff');
    expect(h['Referrer-Policy']).toBe('no-referrer');
    expect(h['Permissions-Policy']).toMatch(/(^|, )usb=\(self\)(,|$)/);
    expect(h['Permissions-Policy']).toMatch(/camera=\(\)/);
  });

  it('next.config.js sends the same headers to everything, and a locked-down CSP to the API', async () => {
    const nextConfig = ((await import('../../next.config.js')) as { default: { headers: () => Promise<{ source: string; headers: { key: string; value: string }[] }[]> } }).default;
    const rules = await nextConfig.headers();
    expect(rules.find((r) => r.source === '/:path*')?.headers).toEqual(SECURITY_HEADERS);
    expect(rules.find((r) => r.source === '/api/:path*')?.headers).toEqual([{ key: 'Content-Security-Policy', value: API_CSP }]);
  });
});
