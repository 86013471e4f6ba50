import { AndFilter, EqualityFilter, FilterParser, type OrFilter, SubstringFilter } from 'ldapts';
import { describe, expect, it } from 'vitest';

import { equalityFilter, escapeFilterValue, prefixFilter } from './ldap-filter';

describe('escapeFilterValue (RFC 4515 section 3)', () => {
  it('escapes NUL, *, (, ) and backslash as hex pairs', () => {
    expect(escapeFilterValue('a*b(c)d\\e\0f')).toBe('a\\2ab\\28c\\29d\\5ce\\00f');
  });

  it('leaves ordinary text, "=", "&", "|" and UTF-8 alone', () => {
    expect(escapeFilterValue('Bob Ødegård =&|!~<>')).toBe('Bob Ødegård =&|!~<>');
  });

  it('turns an injection attempt into one literal value', () => {
    const filter = prefixFilter(['cn'], '*)(mail=*');
    expect(filter).toBe('(&(mail=*)(|(cn=\\2a\\29\\28mail=\\2a*)))');
    // Parsed back, it is still one substring assertion on cn whose initial part is the raw text.
    const and = FilterParser.parseString(filter) as AndFilter;
    expect(and).toBeInstanceOf(AndFilter);
    const inner = (and.filters[1] as OrFilter).filters;
    expect(inner).toHaveLength(1);
    expect(inner[0]).toBeInstanceOf(SubstringFilter);
    expect((inner[0] as SubstringFilter).initial).toBe('*)(mail=*');
  });
});

describe('prefixFilter', () => {
  it('asks for an address and a prefix on each attribute', () => {
    expect(prefixFilter(['cn', 'mail', 'givenName', 'sn'], 'Bo')).toBe('(&(mail=*)(|(cn=Bo*)(mail=Bo*)(givenName=Bo*)(sn=Bo*)))');
  });

  it('keeps non-ASCII prefixes intact through the ldapts parser', () => {
    const f = FilterParser.parseString(prefixFilter(['sn'], 'ødeg'));
    expect(f.toString()).toBe('(&(mail=*)(|(sn=ødeg*)))');
  });

  it('refuses attribute names that are not attribute descriptions', () => {
    expect(() => prefixFilter(['cn)(uid=*'], 'x')).toThrow(/not an attribute description/);
    expect(() => prefixFilter([], 'x')).toThrow();
  });
});

describe('equalityFilter', () => {
  it('asks for the exact value on each attribute', () => {
    expect(equalityFilter(['mail'], 'bob@sealpost.test')).toBe('(|(mail=bob@sealpost.test))');
    expect(equalityFilter(['mail', 'otherMailbox'], 'b@x.test')).toBe('(|(mail=b@x.test)(otherMailbox=b@x.test))');
  });

  it('keeps an injection attempt one literal equality assertion', () => {
    const filter = equalityFilter(['mail'], '*)(mail=*');
    expect(filter).toBe('(|(mail=\\2a\\29\\28mail=\\2a))');
    const or = FilterParser.parseString(filter) as OrFilter;
    expect(or.filters).toHaveLength(1);
    expect(or.filters[0]).toBeInstanceOf(EqualityFilter);
    expect((or.filters[0] as EqualityFilter).value).toBe('*)(mail=*');
  });

  it('refuses attribute names that are not plain descriptions', () => {
    expect(() => equalityFilter([], 'x')).toThrow();
    expect(() => equalityFilter(['mail)(cn=*'], 'x')).toThrow();
  });
});
