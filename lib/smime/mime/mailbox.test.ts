import { describe, expect, it } from 'vitest';

import { parseSingleMailbox, sameAddress, singleFromAddress } from './mailbox';

describe('singleFromAddress', () => {
  it('reads the addr-spec of a name-addr or a bare addr-spec', () => {
    expect(singleFromAddress(['Alice <alice@example.com>'])).toEqual({ localPart: 'alice', domain: 'example.com' });
    expect(singleFromAddress(['"Lovelace, Ada" (work) <ada.l@example.com>'])).toEqual({ localPart: 'ada.l', domain: 'example.com' });
    expect(singleFromAddress(['bob@example.org (Bob)'])).toEqual({ localPart: 'bob', domain: 'example.org' });
    expect(singleFromAddress(['"a b"@example.org'])).toEqual({ localPart: 'a b', domain: 'example.org' });
  });

  it('takes the angle address, never the display name', () => {
    expect(singleFromAddress(['"alice@good.example" <eve@evil.example>'])).toEqual({ localPart: 'eve', domain: 'evil.example' });
  });

  it('gives nothing for an unquoted address as display name, two From fields, lists, groups and empties', () => {
    expect(singleFromAddress(['alice@good.example <eve@evil.example>'])).toBeNull();
    expect(singleFromAddress(['alice@good.example', 'eve@evil.example'])).toBeNull();
    expect(singleFromAddress(['alice@good.example, eve@evil.example'])).toBeNull();
    expect(singleFromAddress(['friends: alice@good.example;'])).toBeNull();
    expect(singleFromAddress([''])).toBeNull();
    expect(singleFromAddress([])).toBeNull();
    expect(singleFromAddress(['Alice'])).toBeNull();
    expect(singleFromAddress(['<alice@good.example'])).toBeNull();
    expect(parseSingleMailbox('<@route.example:alice@good.example>')).toBeNull();
  });

  it('compares local part and domain case-insensitively', () => {
    const from = singleFromAddress(['ALICE@Example.COM'])!;
    expect(sameAddress(from, 'alice@example.com')).toBe(true);
    expect(sameAddress(from, 'alice@example.org')).toBe(false);
    expect(sameAddress(from, 'alicex@example.com')).toBe(false);
  });
});
