import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';

import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';

import { pkiManifest, stack } from '../support/stack';
import { stubAppEnv } from '../support/app-env';

// The PKI relay end to end: POST /api/pki/fetch through its route handler with a real session,
// against the demo stack's CRL server and OCSP responder and local servers that misbehave; then
// lib/smime's validateCertificate, fetching through the browser's fetcher and the route, finds
// the demo's revoked user dave revoked. Server modules read the configuration once, so
// app.env.json (which allows 127.0.0.1 for the demo PKI) goes into process.env before importing.

let cookie: string | undefined;
vi.mock('next/headers', () => ({
  cookies: async () => ({ get: (name: string) => (cookie && name === 'sealpost_session' ? { value: cookie } : undefined) }),
  headers: async () => new Headers(),
}));

type Route = typeof import('@/app/api/pki/fetch/route');
type Relay = typeof import('@/server/pki/relay-fetch');
let route: Route;
let relay: Relay;
let config: typeof import('@/server/config').config;
let parseAllowList: typeof import('@/server/pki/address-policy').parseAllowList;
let sessionId: string;
let destroySession: () => void;

const pki = pkiManifest();
const scratch = fs.mkdtempSync(path.join(stack.stateDir, 'pki-relay-test-'));

/** A loopback server answering each path with the handler's choice. */
let local: http.Server;
let localUrl: string;
const ELEVEN_MB = 11 * 1024 * 1024;

beforeAll(async () => {
  stubAppEnv();
  route = await import('@/app/api/pki/fetch/route');
  relay = await import('@/server/pki/relay-fetch');
  ({ config } = await import('@/server/config'));
  ({ parseAllowList } = await import('@/server/pki/address-policy'));
  const { sessionStore } = await import('@/server/session/sessions');
  const session = sessionStore().create('alice', 'alice@sealpost.test', 'alice-pass', '127.0.0.1');
  sessionId = session.id;
  destroySession = () => sessionStore().destroy(session.id);

  local = http.createServer((req, res) => {
    if (req.url === '/huge') {
      // No Content-Length: the cap must hold while streaming.
      res.writeHead(200);
      const chunk = Buffer.alloc(64 * 1024, 0x30);
      let sent = 0;
      const pump = () => {
        while (sent < ELEVEN_MB) {
          sent += chunk.length;
          if (!res.write(chunk)) return void res.once('drain', pump);
        }
        res.end();
      };
      pump();
    } else if (req.url === '/slow') {
      res.writeHead(200);
      res.write('x');
      setTimeout(() => res.end('y'), 3000).unref();
    } else if (req.url === '/to-metadata') {
      res.writeHead(302, { location: 'http://169.254.169.254/latest/meta-data/' }).end();
    } else if (req.url === '/to-crl') {
      res.writeHead(301, { location: pki.urls.crl }).end();
    } else if (req.url?.startsWith('/loop')) {
      res.writeHead(302, { location: `/loop${Number(req.url.slice(5) || 0) + 1}` }).end();
    } else {
      res.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve) => local.listen(0, '127.0.0.1', resolve));
  localUrl = `http://127.0.0.1:${(local.address() as AddressInfo).port}`;
});

afterAll(async () => {
  destroySession?.();
  vi.unstubAllEnvs();
  vi.unstubAllGlobals();
  fs.rmSync(scratch, { recursive: true, force: true });
  await new Promise((resolve) => local?.close(resolve));
});

function post(body: unknown): Promise<Response> {
  return route.POST(
    new Request('http://localhost/api/pki/fetch', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
  );
}

async function errorCode(res: Response): Promise<string> {
  return ((await res.json()) as { error: { code: string } }).error.code;
}

function ocspRequestFor(user: string): Buffer {
  const out = path.join(scratch, `${user}.ocsp-req`);
  execFileSync('openssl', ['ocsp', '-issuer', pki.issuing.cert, '-cert', pki.users[user]!.cert, '-no_nonce', '-reqout', out]);
  return fs.readFileSync(out);
}

/** openssl's reading of an OCSP response the relay returned, verified against the demo chain. */
function ocspStatus(user: string, response: Uint8Array): string {
  const file = path.join(scratch, `${user}.ocsp-resp`);
  fs.writeFileSync(file, response);
  return execFileSync('openssl', ['ocsp', '-respin', file, '-issuer', pki.issuing.cert, '-cert', pki.users[user]!.cert, '-CAfile', pki.chain], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

describe('POST /api/pki/fetch with the demo allow list (127.0.0.1/32)', () => {
  it('answers 401 without a session, fetching nothing', async () => {
    cookie = undefined;
    const res = await post({ url: pki.urls.crl, method: 'GET' });
    expect(res.status).toBe(401);
    expect(await errorCode(res)).toBe('not-signed-in');
  });

  it('relays the demo CRL byte for byte as application/octet-stream', async () => {
    cookie = sessionId;
    const res = await post({ url: pki.urls.crl, method: 'GET' });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/octet-stream');
    expect(res.headers.get('cache-control')).toBe('no-store');
    const der = Buffer.from(await res.arrayBuffer());
    const served = Buffer.from(await (await fetch(pki.urls.crl)).arrayBuffer());
    expect(der.equals(served)).toBe(true);
  });

  it('relays an OCSP POST, and the responder says dave is revoked', async () => {
    cookie = sessionId;
    const res = await post({ url: pki.urls.ocsp, method: 'POST', body: ocspRequestFor('dave').toString('base64'), contentType: 'application/ocsp-request' });
    expect(res.status).toBe(200);
    const status = ocspStatus('dave', new Uint8Array(await res.arrayBuffer()));
    expect(status).toMatch(/: revoked/);
  });

  it('follows a redirect to an allowed URL', async () => {
    cookie = sessionId;
    const res = await post({ url: `${localUrl}/to-crl`, method: 'GET' });
    expect(res.status).toBe(200);
    expect(Buffer.from(await res.arrayBuffer()).equals(fs.readFileSync(path.join(stack.dirs.pki, 'issuing.crl')))).toBe(true);
  });

  it.each([
    // Thunks: the local server's address is known only once beforeAll has run.
    ['file:', () => ({ url: 'file:///etc/passwd', method: 'GET' }), 403, 'pki-fetch-refused'],
    ['ldap:', () => ({ url: `ldap://${stack.host}:${stack.ports.ldap}/cn=CA?certificateRevocationList`, method: 'GET' }), 403, 'pki-fetch-refused'],
    ['a redirect to the metadata address', () => ({ url: `${localUrl}/to-metadata`, method: 'GET' }), 403, 'pki-fetch-refused'],
    ['more than 3 redirects', () => ({ url: `${localUrl}/loop`, method: 'GET' }), 502, 'pki-fetch-failed'],
    ['a 404', () => ({ url: `${localUrl}/nothing`, method: 'GET' }), 502, 'pki-fetch-failed'],
    ['an 11 MB answer', () => ({ url: `${localUrl}/huge`, method: 'GET' }), 502, 'pki-fetch-too-large'],
    ['a URL over 2048 characters', () => ({ url: `${localUrl}/${'a'.repeat(2048)}`, method: 'GET' }), 400, 'bad-request'],
    ['another method', () => ({ url: pki.urls.crl, method: 'PUT' }), 400, 'bad-request'],
    ['a body with GET', () => ({ url: pki.urls.crl, method: 'GET', body: 'AAAA' }), 400, 'bad-request'],
    ['a body over 64 KB', () => ({ url: pki.urls.ocsp, method: 'POST', body: Buffer.alloc(64 * 1024 + 3).toString('base64') }), 400, 'bad-request'],
  ])('refuses %s', async (_, body, status, code) => {
    cookie = sessionId;
    const res = await post(body());
    expect(await errorCode(res)).toBe(code);
    expect(res.status).toBe(status);
  });
});

describe('relayPkiFetch under other settings', () => {
  const settings = (extra: Partial<import('@/server/pki/relay-fetch').RelayOptions>) => ({ ...config().pkiFetch, ...extra });

  it('refuses the demo CRL and OCSP responder on loopback without the allow list', async () => {
    const none = settings({ allow: parseAllowList('') });
    await expect(relay.relayPkiFetch({ url: pki.urls.crl, method: 'GET' }, none)).rejects.toMatchObject({ code: 'pki-fetch-refused' });
    await expect(
      relay.relayPkiFetch({ url: pki.urls.ocsp, method: 'POST', body: ocspRequestFor('dave'), contentType: 'application/ocsp-request' }, none),
    ).rejects.toMatchObject({ code: 'pki-fetch-refused' });
    await expect(relay.relayPkiFetch({ url: `http://localhost:${stack.ports.pkiHttp}/issuing.crl`, method: 'GET' }, none)).rejects.toMatchObject({
      code: 'pki-fetch-refused',
    });
  });

  it('gives up on a slow answer at the configured time limit', async () => {
    const t0 = Date.now();
    await expect(relay.relayPkiFetch({ url: `${localUrl}/slow`, method: 'GET' }, settings({ timeoutMs: 300 }))).rejects.toMatchObject({
      code: 'pki-fetch-timeout',
    });
    expect(Date.now() - t0).toBeLessThan(2000);
  });

  it('does not extend an allowed host name to where it redirects', async () => {
    // crl.pki.test is allowed by name (and "resolves" to loopback); its redirect to the bare
    // loopback address is not.
    const byName = settings({ allow: parseAllowList('crl.pki.test'), lookup: async () => [{ address: '127.0.0.1' }] });
    const port = new URL(localUrl).port;
    await expect(relay.relayPkiFetch({ url: `http://crl.pki.test:${port}/to-crl`, method: 'GET' }, byName)).rejects.toMatchObject({
      code: 'pki-fetch-refused',
    });
  });
});

describe('lib/smime through the browser fetcher and the route', () => {
  it('finds dave revoked (OCSP or CRL) and alice trusted, fetching the issuing CA by AIA', async () => {
    cookie = sessionId;
    // The browser client's fetch('/api/pki/fetch') lands on the route handler.
    vi.stubGlobal('fetch', async (input: string, init: RequestInit) => {
      expect(input).toBe('/api/pki/fetch');
      return route.POST(new Request(`http://localhost${input}`, init));
    });
    const { serverPkiFetcher } = await import('@/lib/api/pki-fetcher');
    const { readCertificates } = await import('@/lib/smime/certs/read-certificates');
    const { validateCertificate } = await import('@/lib/smime/certs/validate-certificate');
    const anchors = readCertificates(new Uint8Array(fs.readFileSync(pki.root.certDer)));
    const trust = { anchors, fetcher: serverPkiFetcher(), revocation: 'hard-fail' as const };
    const check = (user: string) =>
      validateCertificate(readCertificates(new Uint8Array(fs.readFileSync(pki.users[user]!.certDer)))[0]!, { purpose: 'signing' }, trust);

    const dave = await check('dave');
    expect(dave.verdict).toBe('revoked');
    expect(dave.revocation.status).toBe('revoked');
    expect(['ocsp', 'crl']).toContain(dave.revocation.source);
    expect(dave.path).toHaveLength(3); // the issuing CA came through the relay (AIA)

    const alice = await check('alice');
    expect(alice.verdict).toBe('trusted');
    expect(alice.revocation.status).toBe('good');
    vi.unstubAllGlobals();
  });
});
