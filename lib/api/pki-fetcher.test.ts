import { describe, expect, it, vi } from 'vitest';

import { ApiRequestError } from './client';
import { serverPkiFetcher } from './pki-fetcher';

describe('serverPkiFetcher', () => {
  it('sends the OCSP body as base64 with its type and passes the cap on', async () => {
    const relay = vi.fn(async () => new Uint8Array([0x30, 0x03]));
    const bytes = await serverPkiFetcher(relay).fetch({
      url: 'http://ocsp.example/', method: 'POST', body: new Uint8Array([1, 2, 3]), contentType: 'application/ocsp-request', maxBytes: 100,
    });
    expect(bytes).toEqual(new Uint8Array([0x30, 0x03]));
    expect(relay).toHaveBeenCalledWith({ url: 'http://ocsp.example/', method: 'POST', body: 'AQID', contentType: 'application/ocsp-request' }, 100);
  });

  it('turns every failure into fetch-failed, with the server message', async () => {
    const refused = new ApiRequestError('pki-fetch-refused', 'The server does not fetch that address.', 403);
    await expect(serverPkiFetcher(async () => Promise.reject(refused)).fetch({ url: 'http://10.0.0.1/', method: 'GET', maxBytes: 10 })).rejects.toMatchObject({
      name: 'SmimeError', code: 'fetch-failed', message: expect.stringContaining('does not fetch that address'),
    });
  });

  it('refuses more bytes than asked for, whatever the relay returned', async () => {
    await expect(serverPkiFetcher(async () => new Uint8Array(11)).fetch({ url: 'http://crl.example/', method: 'GET', maxBytes: 10 })).rejects.toMatchObject({
      code: 'fetch-failed',
    });
  });
});
