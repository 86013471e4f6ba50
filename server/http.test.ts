import { afterEach, describe, expect, it, vi } from 'vitest';

import { AppError, ERROR_RESPONSES } from './errors';
import { clientAddress, errorResponse, isHttpsRequest, readJsonBody } from './http';

afterEach(() => vi.restoreAllMocks());

describe('ERROR_RESPONSES', () => {
  it('gives a wrong password and an unreachable server different statuses and messages', () => {
    expect(ERROR_RESPONSES['auth-failed']).toEqual({ status: 401, message: 'Wrong username or password.' });
    expect(ERROR_RESPONSES['imap-unavailable']).toEqual({ status: 503, message: 'The mail server cannot be reached. Try again later.' });
  });
  it('has a distinct message for every code', () => {
    const messages = Object.values(ERROR_RESPONSES).map((r) => r.message);
    expect(new Set(messages).size).toBe(messages.length);
  });
});

describe('errorResponse', () => {
  it('answers a coded error with its fixed status and message, never its detail', async () => {
    const res = errorResponse(new AppError('imap-unavailable', 'connect ECONNREFUSED 10.1.2.3:993'));
    expect(res.status).toBe(503);
    expect(res.headers.get('cache-control')).toBe('no-store');
    const text = await res.text();
    expect(JSON.parse(text)).toEqual({ error: { code: 'imap-unavailable', message: 'The mail server cannot be reached. Try again later.' } });
    expect(text).not.toContain('10.1.2.3');
  });

  it('logs anything else with a request id and answers generically', async () => {
    const log = vi.spyOn(console, 'error').mockImplementation(() => {});
    const res = errorResponse(new TypeError('secret internals at /srv/app/x.ts:12'));
    expect(res.status).toBe(500);
    const body = (await res.json()) as { error: { code: string; message: string; requestId: string } };
    expect(body.error.code).toBe('internal');
    expect(body.error.message).toBe('Something went wrong on the server.');
    expect(JSON.stringify(body)).not.toContain('secret internals');
    expect(log).toHaveBeenCalledOnce();
    expect(String(log.mock.calls[0]?.[0])).toContain(body.error.requestId);
  });
});

describe('request facts', () => {
  const h = (init: Record<string, string>) => new Headers(init);
  it('sees HTTPS from the URL or from the first X-Forwarded-Proto', () => {
    expect(isHttpsRequest(h({}), 'https://mail.example.com/api/session')).toBe(true);
    expect(isHttpsRequest(h({}), 'http://127.0.0.1:7100/api/session')).toBe(false);
    expect(isHttpsRequest(h({ 'x-forwarded-proto': 'https' }), 'http://127.0.0.1:7100/')).toBe(true);
    expect(isHttpsRequest(h({ 'x-forwarded-proto': 'HTTPS, http' }), 'http://127.0.0.1/')).toBe(true);
    expect(isHttpsRequest(h({ 'x-forwarded-proto': 'http' }), 'http://127.0.0.1/')).toBe(false);
  });
  it('takes the client address only from entries the trusted proxies appended', () => {
    // One proxy: it appended the address it saw; what the client sent before it is ignored.
    expect(clientAddress(h({ 'x-forwarded-for': 'forged, 203.0.113.7' }), 1)).toBe('203.0.113.7');
    // Two proxies: the outer one's entry is the second from the right.
    expect(clientAddress(h({ 'x-forwarded-for': 'forged, 203.0.113.7, 10.0.0.1' }), 2)).toBe('203.0.113.7');
    expect(clientAddress(h({ 'x-forwarded-for': '203.0.113.7' }), 3)).toBe('203.0.113.7');
    expect(clientAddress(h({ 'x-real-ip': '203.0.113.8' }), 1)).toBe('203.0.113.8');
    expect(clientAddress(h({}), 1)).toBe('direct');
    // No trusted proxy: the header is the client's word and is ignored.
    expect(clientAddress(h({ 'x-forwarded-for': '203.0.113.7' }), 0)).toBe('direct');
  });
});

describe('readJsonBody', () => {
  const post = (body: string, type?: string) =>
    new Request('http://x/api/session', { method: 'POST', body, headers: type ? { 'content-type': type } : {} });
  it('reads a JSON body', async () => {
    await expect(readJsonBody(post('{"a":1}', 'application/json; charset=utf-8'))).resolves.toEqual({ a: 1 });
  });
  it.each([
    ['text/plain', '{"a":1}'],
    [undefined, '{"a":1}'],
    ['application/json', 'not json'],
  ])('refuses content-type %s with body %s as a bad request', async (type, body) => {
    await expect(readJsonBody(post(body, type))).rejects.toMatchObject({ code: 'bad-request' });
  });
});
