import { describe, expect, it, vi } from 'vitest';

import { parseAllowList } from './address-policy';
import { pinnedAddress, relayPkiFetch, type RelayOptions } from './relay-fetch';

const options = (lookup: RelayOptions['lookup'], allow = ''): RelayOptions => ({
  allow: parseAllowList(allow),
  maxBytes: 1024,
  timeoutMs: 1000,
  lookup,
});
const answers = (...addresses: string[]) => vi.fn(async () => addresses.map((address) => ({ address })));
const codeOf = (p: Promise<unknown>) => p.then(() => 'resolved', (e: { code?: string }) => e.code);

describe('pinnedAddress', () => {
  it('refuses a name when any of its addresses is private', async () => {
    const url = new URL('http://crl.example/');
    expect(await codeOf(pinnedAddress(url, options(answers('8.8.8.8', '10.0.0.1'))))).toBe('pki-fetch-refused');
    expect(await codeOf(pinnedAddress(url, options(answers('::1'))))).toBe('pki-fetch-refused');
  });

  it('pins the first checked address, asking DNS once', async () => {
    const lookup = answers('203.0.114.7', '2606:4700::1111');
    expect(await pinnedAddress(new URL('http://crl.example/a.crl'), options(lookup))).toBe('203.0.114.7');
    expect(lookup).toHaveBeenCalledTimes(1);
  });

  it('does not ask DNS about literals, and refuses private ones in any spelling', async () => {
    const lookup = answers('8.8.8.8');
    for (const url of ['http://2130706433/', 'http://0x7f000001/', 'http://017700000001/', 'http://[::ffff:127.0.0.1]/', 'http://[fe80::1]/']) {
      expect(await codeOf(pinnedAddress(new URL(url), options(lookup)))).toBe('pki-fetch-refused');
    }
    expect(lookup).not.toHaveBeenCalled();
  });

  it('admits what the allow list names', async () => {
    expect(await pinnedAddress(new URL('http://127.0.0.1:8080/'), options(answers(), '127.0.0.1/32'))).toBe('127.0.0.1');
    expect(await pinnedAddress(new URL('http://pki.internal/'), options(answers('10.9.9.9'), 'pki.internal'))).toBe('10.9.9.9');
  });

  it('reports a name that does not resolve as a failure, not a refusal', async () => {
    const lookup = vi.fn(async () => Promise.reject(new Error('ENOTFOUND')));
    expect(await codeOf(pinnedAddress(new URL('http://nowhere.example/'), options(lookup)))).toBe('pki-fetch-failed');
  });
});

describe('relayPkiFetch input', () => {
  it.each(['file:///etc/passwd', 'ldap://ldap.example/cn=CA?certificateRevocationList', 'ftp://x/', 'http://user:pw@crl.example/', 'not a url'])(
    'refuses %s before any lookup',
    async (url) => {
      const lookup = answers('8.8.8.8');
      expect(await codeOf(relayPkiFetch({ url, method: 'GET' }, options(lookup)))).toBe('pki-fetch-refused');
      expect(lookup).not.toHaveBeenCalled();
    },
  );

  it('refuses a body over 64 KB and a body with GET', async () => {
    const o = options(answers('8.8.8.8'));
    expect(await codeOf(relayPkiFetch({ url: 'http://x.example/', method: 'POST', body: new Uint8Array(64 * 1024 + 1) }, o))).toBe('bad-request');
    expect(await codeOf(relayPkiFetch({ url: 'http://x.example/', method: 'GET', body: new Uint8Array(1) }, o))).toBe('bad-request');
  });
});
