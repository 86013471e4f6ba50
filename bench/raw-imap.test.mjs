import { describe, expect, it } from 'vitest';

import { MAX_RESPONSE_BYTES, quoteImap, takeResponses } from './raw-imap.mjs';

describe('takeResponses', () => {
  it('splits lines and keeps a literal, CRLFs inside it included, in its response', () => {
    const text = '* 1 FETCH (UID 7 BODY[] {12}\r\nab\r\nb1 OK x\r\n)\r\nb1 OK done\r\n* partial';
    const { responses, rest } = takeResponses(Buffer.from(text, 'latin1'));
    expect(responses).toEqual(['* 1 FETCH (UID 7 BODY[] {12}\r\nab\r\nb1 OK x\r\n)', 'b1 OK done']);
    expect(rest.toString()).toBe('* partial');
  });

  it('waits for the rest of a literal', () => {
    const { responses, rest } = takeResponses(Buffer.from('* 1 FETCH (BODY[] {10}\r\nabc', 'latin1'));
    expect(responses).toEqual([]);
    expect(rest.length).toBe(27);
  });

  it('refuses a literal over the limit', () => {
    expect(() => takeResponses(Buffer.from(`* 1 FETCH (BODY[] {${MAX_RESPONSE_BYTES + 1}}\r\n`))).toThrow(/over the limit/);
  });
});

it('quotes mailbox names', () => {
  expect(quoteImap('Bench "100k"\\')).toBe('"Bench \\"100k\\"\\\\"');
});
