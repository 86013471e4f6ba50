import { describe, expect, it } from 'vitest';

import { isoTime, oneOf, parseCommandLine, required, UsageError } from './command-line';

const SPEC = { p12: 'list', password: 'list', at: 'string', 'no-network': 'flag' } as const;
const ONE_FILE = { min: 1, max: 1, names: '<message.eml>' };
const parse = (...args: string[]) => parseCommandLine('inspect', args, SPEC, ONE_FILE);

describe('parseCommandLine', () => {
  it('reads flags, single values, repeated values in order and the positional', () => {
    const { options, positionals } = parse('--p12', 'a.p12', 'mail.eml', '--password', 'x', '--p12=b.p12', '--password=', '--no-network', '--at', '2026-01-02T03:04:05Z');
    expect(options).toEqual({ p12: ['a.p12', 'b.p12'], password: ['x', ''], at: '2026-01-02T03:04:05Z', 'no-network': true });
    expect(positionals).toEqual(['mail.eml']);
  });

  it('gives defaults for absent options', () => {
    expect(parse('mail.eml').options).toEqual({ p12: [], password: [], at: undefined, 'no-network': false });
  });

  it('takes "-" and anything after "--" as positionals', () => {
    expect(parse('-').positionals).toEqual(['-']);
    expect(parse('--', '--odd-name.eml').positionals).toEqual(['--odd-name.eml']);
  });

  it.each([
    [['--frob', 'm.eml'], 'inspect: unknown option --frob'],
    [['-p', 'm.eml'], 'inspect: unknown option -p (options are spelled --name)'],
    [['m.eml', '--p12'], 'inspect: --p12 needs a value'],
    [['--p12', '--password', 'x', 'm.eml'], 'inspect: --p12 needs a value'],
    [['--at', '2026-01-01', '--at', '2026-01-02', 'm.eml'], 'inspect: --at given more than once'],
    [['--no-network=yes', 'm.eml'], 'inspect: --no-network takes no value'],
    [[], 'inspect: expected <message.eml>, got none'],
    [['a.eml', 'b.eml'], 'inspect: expected <message.eml>, got "a.eml" "b.eml"'],
    [['--constructor', 'x', 'm.eml'], 'inspect: unknown option --constructor'],
  ])('refuses %j', (args, message) => {
    expect(() => parse(...args)).toThrow(new UsageError(message));
  });

  it('accepts a value that starts with a dash when it is not an option', () => {
    expect(parse('--password', '-secret', 'm.eml').options.password).toEqual(['-secret']);
    expect(parse('--password=--secret', 'm.eml').options.password).toEqual(['--secret']);
  });
});

describe('value checks', () => {
  it('required names the missing option', () => {
    expect(required('sign', 'p12', 'a.p12')).toBe('a.p12');
    expect(() => required('sign', 'p12', undefined)).toThrow('sign: --p12 is required');
  });

  it('oneOf accepts only the listed values', () => {
    expect(oneOf('encrypt', 'cipher', 'aes-128-cbc', ['aes-128-cbc', 'aes-256-gcm'])).toBe('aes-128-cbc');
    expect(oneOf('encrypt', 'cipher', undefined, ['aes-128-cbc'])).toBeUndefined();
    expect(() => oneOf('encrypt', 'cipher', 'des-ede3-cbc', ['aes-128-cbc', 'aes-256-gcm'])).toThrow('encrypt: --cipher must be one of aes-128-cbc, aes-256-gcm');
  });

  it('isoTime reads ISO 8601 times with a zone and bare dates as UTC', () => {
    expect(isoTime('inspect', 'at', '2026-05-01T12:00:00+02:00')?.toISOString()).toBe('2026-05-01T10:00:00.000Z');
    expect(isoTime('inspect', 'at', '2026-05-01')?.toISOString()).toBe('2026-05-01T00:00:00.000Z');
    expect(isoTime('inspect', 'at', undefined)).toBeUndefined();
  });

  it.each(['2026-05-01T12:00:00', 'yesterday', '1714560000', '2026-13-01T00:00:00Z', '2026-05-01 12:00:00Z'])('isoTime refuses %j', (value) => {
    expect(() => isoTime('inspect', 'at', value)).toThrow(UsageError);
  });
});
