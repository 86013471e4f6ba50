import http from 'node:http';
import type { AddressInfo } from 'node:net';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { createNodePkiFetcher } from '@/cli/smime/node-pki-fetcher';
import { SmimeError } from '@/lib/smime/errors';

// The CLI's fetcher against a local HTTP server: bodies, the byte cap (declared or streamed),
// the deadline, and what it refuses to fetch at all.
let server: http.Server;
let base: string;
const received: { method?: string; contentType?: string; body?: Buffer } = {};

beforeAll(async () => {
  server = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const route = request.url ?? '/';
      if (route === '/crl') {
        response.end(Buffer.alloc(1000, 7));
      } else if (route === '/ocsp') {
        Object.assign(received, { method: request.method, contentType: request.headers['content-type'], body: Buffer.concat(chunks) });
        response.end('answer');
      } else if (route === '/declared-large') {
        response.writeHead(200, { 'content-length': '5000' });
        response.end(Buffer.alloc(5000));
      } else if (route === '/streamed-large') {
        // Chunked, no Content-Length, and never ending: only counting while reading can stop it.
        response.writeHead(200);
        for (let i = 0; i < 8; i++) response.write(Buffer.alloc(16 * 1024));
      } else if (route === '/silent') {
        // Headers, then nothing: the deadline must cover the body as well.
        response.writeHead(200);
        response.write('x');
      } else if (route === '/redirect') {
        response.writeHead(302, { location: '/crl' });
        response.end();
      } else {
        response.writeHead(404);
        response.end('no');
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

const fetcher = createNodePkiFetcher({ timeoutMs: 500 });
// For the cap on a body that never ends: the cap, not the deadline, must be what stops it.
const patientFetcher = createNodePkiFetcher({ timeoutMs: 10_000 });

async function failure(promise: Promise<unknown>): Promise<SmimeError> {
  const error = await promise.then(() => null, (e: unknown) => e);
  expect(error).toBeInstanceOf(SmimeError);
  return error as SmimeError;
}

describe('createNodePkiFetcher', () => {
  it('returns the body of a GET, following a redirect', async () => {
    expect(await fetcher.fetch({ url: `${base}/crl`, method: 'GET', maxBytes: 1000 })).toEqual(new Uint8Array(1000).fill(7));
    expect((await fetcher.fetch({ url: `${base}/redirect`, method: 'GET', maxBytes: 1000 })).byteLength).toBe(1000);
  });

  it('POSTs the body with its content type (OCSP)', async () => {
    const body = new Uint8Array([0x30, 0x03, 0x02, 0x01, 0x01]);
    const answer = await fetcher.fetch({ url: `${base}/ocsp`, method: 'POST', body, contentType: 'application/ocsp-request', maxBytes: 100 });
    expect(new TextDecoder().decode(answer)).toBe('answer');
    expect(received).toEqual({ method: 'POST', contentType: 'application/ocsp-request', body: Buffer.from(body) });
  });

  it('stops at the cap whether the size is declared or only streamed', async () => {
    expect((await failure(fetcher.fetch({ url: `${base}/crl`, method: 'GET', maxBytes: 999 }))).message).toMatch(/sent more than 999 bytes/);
    expect((await failure(fetcher.fetch({ url: `${base}/declared-large`, method: 'GET', maxBytes: 4096 }))).code).toBe('fetch-failed');
    const streamed = await failure(patientFetcher.fetch({ url: `${base}/streamed-large`, method: 'GET', maxBytes: 64 * 1024 }));
    expect(streamed.code).toBe('fetch-failed');
    expect(streamed.message).toMatch(/sent more than 65536 bytes/);
  });

  it('gives up at the deadline, body included', async () => {
    const started = Date.now();
    const error = await failure(fetcher.fetch({ url: `${base}/silent`, method: 'GET', maxBytes: 100 }));
    expect(error.code).toBe('fetch-failed');
    expect(error.message).toMatch(/no complete answer within 500 ms/);
    expect(Date.now() - started).toBeLessThan(3000);
  });

  it('fails on HTTP errors and unreachable hosts', async () => {
    expect((await failure(fetcher.fetch({ url: `${base}/missing`, method: 'GET', maxBytes: 100 }))).message).toMatch(/answered HTTP 404/);
    // A port nothing listens on: connection refused.
    const closed = http.createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    expect((await failure(fetcher.fetch({ url: `http://127.0.0.1:${port}/`, method: 'GET', maxBytes: 100 }))).code).toBe('fetch-failed');
  });

  it.each(['file:///etc/passwd', 'ftp://example.org/crl', 'ldap://example.org/cn=CA', 'data:,hello', 'not a url'])('refuses %s', async (url) => {
    const error = await failure(fetcher.fetch({ url, method: 'GET', maxBytes: 100 }));
    expect(error.code).toBe('fetch-failed');
  });

  it('refuses a cap that is not a positive integer', async () => {
    expect((await failure(fetcher.fetch({ url: `${base}/crl`, method: 'GET', maxBytes: 0 }))).code).toBe('invalid-argument');
  });
});
