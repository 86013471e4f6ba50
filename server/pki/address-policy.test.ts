import { describe, expect, it } from 'vitest';

import { bareHost, isAllowedHost, isPublicAddress, mayConnectTo, parseAllowList } from './address-policy';

/** The address a URL's host stands for, as the relay sees it (WHATWG URL parsing first). */
const hostOf = (spelling: string) => bareHost(new URL(`http://${spelling}/`).hostname);

describe('isPublicAddress', () => {
  it.each([
    '127.0.0.1', '127.255.255.254', '10.0.0.1', '10.255.255.255', '172.16.0.1', '172.31.255.255', '192.168.1.1',
    '169.254.169.254', '100.64.0.1', '100.127.255.255', '0.0.0.0', '224.0.0.1', '255.255.255.255', '192.0.2.10',
    '::1', '::', 'fc00::1', 'fd12:3456::1', 'fe80::1', 'febf::1', 'ff02::1', '::ffff:127.0.0.1', '::ffff:10.0.0.1',
    '::ffff:7f00:1', '::127.0.0.1',
  ])('refuses %s', (ip) => {
    expect(isPublicAddress(ip)).toBe(false);
  });

  it.each(['8.8.8.8', '1.1.1.1', '172.15.255.255', '172.32.0.1', '100.63.255.255', '100.128.0.1', '192.169.0.1', '2001:4860:4860::8888', '2606:4700::1111', '::ffff:8.8.8.8'])(
    'allows the public %s',
    (ip) => {
      expect(isPublicAddress(ip)).toBe(true);
    },
  );

  it.each([
    ['2130706433', '127.0.0.1'],
    ['0x7f000001', '127.0.0.1'],
    ['017700000001', '127.0.0.1'],
    ['127.1', '127.0.0.1'],
    ['0x0a.0.0.1', '10.0.0.1'],
    ['[::ffff:127.0.0.1]', '::ffff:7f00:1'],
  ])('sees through the spelling %s', (spelling, canonical) => {
    expect(hostOf(spelling)).toBe(canonical);
    expect(isPublicAddress(hostOf(spelling))).toBe(false);
  });

  it('refuses anything that is not a canonical literal', () => {
    for (const s of ['2130706433', '0x7f000001', 'localhost', '', '[::1]']) expect(isPublicAddress(s)).toBe(false);
  });
});

describe('allow list', () => {
  const allow = parseAllowList(' 127.0.0.1 , 10.1.0.0/16, fd00::/8, PKI.Internal ,ocsp.example.');

  it('admits configured addresses and ranges only', () => {
    expect(mayConnectTo('127.0.0.1', allow)).toBe(true);
    expect(mayConnectTo('127.0.0.2', allow)).toBe(false);
    expect(mayConnectTo('::ffff:127.0.0.1', allow)).toBe(true);
    expect(mayConnectTo('10.1.200.3', allow)).toBe(true);
    expect(mayConnectTo('10.2.0.1', allow)).toBe(false);
    expect(mayConnectTo('fd00::5', allow)).toBe(true);
    expect(mayConnectTo('fc00::5', allow)).toBe(false);
    expect(mayConnectTo('8.8.8.8', allow)).toBe(true);
    expect(mayConnectTo('not-an-ip', allow)).toBe(false);
  });

  it('matches host names exactly, ignoring case and a final dot', () => {
    expect(isAllowedHost('pki.internal', allow)).toBe(true);
    expect(isAllowedHost('OCSP.example', allow)).toBe(true);
    expect(isAllowedHost('evil.pki.internal', allow)).toBe(false);
    expect(isAllowedHost('pki.internal.evil.com', allow)).toBe(false);
  });

  it('admits nothing extra when empty', () => {
    const none = parseAllowList('');
    expect(mayConnectTo('127.0.0.1', none)).toBe(false);
    expect(isAllowedHost('localhost', none)).toBe(false);
  });

  it.each(['10.0.0.0/33', '::1/129', '10.0.0.0/8/8', 'http://x', 'a b', '10.0.0.0/x', '1.2.3'])('rejects the entry %s', (entry) => {
    expect(() => parseAllowList(entry)).toThrow(entry);
  });
});
