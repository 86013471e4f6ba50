import { describe, expect, it } from 'vitest';

import { parseRecipients } from './parse-recipients';
import { MAX_COMPLETION_QUERY_CHARS, completionQuery, formatRecipient, insertRecipient, tokenAt } from './recipient-token';

const carol = { name: 'Carol Müller', address: 'carol@sealpost.test' };

describe('tokenAt', () => {
  it('finds the part the caret is in', () => {
    const v = 'bob@sealpost.test, car';
    expect(tokenAt(v, v.length)).toEqual({ start: 18, end: v.length, typed: 'car' });
    expect(tokenAt(v, 3)).toEqual({ start: 0, end: 17, typed: 'bob' });
    expect(tokenAt('', 0)).toEqual({ start: 0, end: 0, typed: '' });
  });

  it('splits on semicolons too, but not inside quotes', () => {
    const v = '"Müller, Carol" <carol@sealpost.test>; da';
    expect(tokenAt(v, v.length).typed).toBe('da');
    expect(tokenAt(v, 5)).toMatchObject({ start: 0, end: 37 });
  });

  it('takes only the text before the caret', () => {
    expect(tokenAt('carol@x.test', 3).typed).toBe('car');
  });
});

describe('completionQuery', () => {
  const q = (v: string) => completionQuery(tokenAt(v, v.length));
  it.each([
    ['car', 'car'],
    ['bob@sealpost.test, Bo', 'Bo'],
    ['"Bob Ø', 'Bob Ø'],
    ['Bob <bob@s', 'bob@s'],
  ])('looks up "%s" as "%s"', (v, expected) => expect(q(v)).toBe(expected));

  it.each(['', 'a, ', 'Carol Müller <carol@sealpost.test>', 'x; '])('has nothing to look up in "%s"', (v) => expect(q(v)).toBeNull());

  it('does not look up text one over the limit', () => {
    expect(q('x'.repeat(MAX_COMPLETION_QUERY_CHARS))).toHaveLength(MAX_COMPLETION_QUERY_CHARS);
    expect(q('x'.repeat(MAX_COMPLETION_QUERY_CHARS + 1))).toBeNull();
  });
});

describe('formatRecipient', () => {
  it('writes "Name <address>", or the bare address without a name', () => {
    expect(formatRecipient(carol)).toBe('Carol Müller <carol@sealpost.test>');
    expect(formatRecipient({ name: '', address: 'x@y.test' })).toBe('x@y.test');
  });

  it('quotes names with separators and drops quotes inside them', () => {
    expect(formatRecipient({ name: 'Müller, "Carol"', address: 'carol@sealpost.test' })).toBe('"Müller, Carol" <carol@sealpost.test>');
  });
});

describe('insertRecipient', () => {
  it('replaces the part being typed and adds a separator for the next one', () => {
    const v = 'bob@sealpost.test, car';
    const r = insertRecipient(v, tokenAt(v, v.length), carol);
    expect(r).toEqual({ value: 'bob@sealpost.test, Carol Müller <carol@sealpost.test>, ', caret: r.value.length });
    expect(parseRecipients(r.value)).toEqual({ addresses: [{ name: '', address: 'bob@sealpost.test' }, carol], invalid: [] });
  });

  it('replaces a part in the middle and keeps what follows', () => {
    const v = 'car; dave@sealpost.test';
    const r = insertRecipient(v, tokenAt(v, 3), carol);
    expect(r.value).toBe('Carol Müller <carol@sealpost.test>; dave@sealpost.test');
    expect(r.caret).toBe('Carol Müller <carol@sealpost.test>'.length);
  });

  it('keeps a quoted name with a comma as one recipient', () => {
    const r = insertRecipient('m', tokenAt('m', 1), { name: 'Müller, Carol', address: 'carol@sealpost.test' });
    expect(parseRecipients(r.value)).toEqual({ addresses: [{ name: 'Müller, Carol', address: 'carol@sealpost.test' }], invalid: [] });
  });
});
