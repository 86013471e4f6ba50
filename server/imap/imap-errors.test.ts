import { describe, expect, it } from 'vitest';

import { AppError } from '../errors';
import { isServerRefusal, mapImapError } from './imap-errors';

const err = (props: Record<string, unknown>, message = 'Command failed') => Object.assign(new Error(message), props);

describe('mapImapError', () => {
  it.each([
    ['LOGIN refused with [AUTHENTICATIONFAILED]', err({ authenticationFailed: true, serverResponseCode: 'AUTHENTICATIONFAILED', responseStatus: 'NO' }), 'auth-failed'],
    ['LOGIN refused without a response code', err({ authenticationFailed: true, responseStatus: 'NO' }), 'auth-failed'],
    ['LOGIN refused with [EXPIRED]', err({ serverResponseCode: 'EXPIRED', responseStatus: 'NO' }), 'auth-failed'],
    ['LOGIN answered [UNAVAILABLE] (password database down)', err({ authenticationFailed: true, serverResponseCode: 'UNAVAILABLE', responseStatus: 'NO' }), 'imap-unavailable'],
    ['[NONEXISTENT] folder', err({ serverResponseCode: 'NONEXISTENT', responseStatus: 'NO' }), 'folder-not-found'],
    ['connection refused', err({ code: 'ECONNREFUSED', syscall: 'connect' }, 'connect ECONNREFUSED 127.0.0.1:1'), 'imap-unavailable'],
    ['unknown host', err({ code: 'ENOTFOUND', syscall: 'getaddrinfo' }), 'imap-unavailable'],
    ['connect timeout', err({ code: 'CONNECT_TIMEOUT' }), 'imap-unavailable'],
    ['greeting timeout', err({ code: 'GREETING_TIMEOUT' }), 'imap-unavailable'],
    ['socket timeout', err({ code: 'ETIMEOUT' }), 'imap-unavailable'],
    ['connection lost mid-command', err({ code: 'NoConnection' }), 'imap-unavailable'],
    ['server certificate not trusted', err({ code: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE' }), 'imap-unavailable'],
    ['TLS name mismatch', err({ code: 'ERR_TLS_CERT_ALTNAME_INVALID' }), 'imap-unavailable'],
    ['a parser bug', err({ code: 'ParserError3' }), 'internal'],
    ['anything else', new Error('unexpected'), 'internal'],
    ['not even an Error', 'boom', 'internal'],
  ])('%s -> %s', (_what, input, code) => {
    const mapped = mapImapError(input);
    expect(mapped).toBeInstanceOf(AppError);
    expect(mapped.code).toBe(code);
  });

  it('passes coded errors through unchanged', () => {
    const e = new AppError('folder-not-found');
    expect(mapImapError(e)).toBe(e);
  });

  it('keeps the detail for the log', () => {
    expect(mapImapError(err({ code: 'ECONNREFUSED' }, 'connect ECONNREFUSED 10.0.0.1:993')).message).toContain('10.0.0.1:993');
  });
});

describe('isServerRefusal', () => {
  it('is true for tagged NO and BAD only', () => {
    expect(isServerRefusal(err({ responseStatus: 'NO' }))).toBe(true);
    expect(isServerRefusal(err({ responseStatus: 'BAD' }))).toBe(true);
    expect(isServerRefusal(err({ code: 'NoConnection' }))).toBe(false);
    expect(isServerRefusal(null)).toBe(false);
  });
});
