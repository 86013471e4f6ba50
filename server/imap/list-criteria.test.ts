import { describe, expect, it } from 'vitest';

import { MAX_SEARCH_TERM_CHARS } from '@/lib/mail/list-query';

import { MAX_VIEW_MESSAGES, UidCollector, imapDate, searchArguments, sortArguments, uidSet } from './list-criteria';

const A = (value: string) => ({ type: 'ATOM', value });
const S = (value: string) => ({ type: 'STRING', value });

describe('sortArguments', () => {
  it('builds (REVERSE key) UTF-8 ALL for a plain view', () => {
    expect(sortArguments('date', true, null)).toEqual([[A('REVERSE'), A('DATE')], A('UTF-8'), A('ALL')]);
    expect(sortArguments('from', false, null)).toEqual([[A('FROM')], A('UTF-8'), A('ALL')]);
    expect(sortArguments('size', false, null)[0]).toEqual([A('SIZE')]);
    expect(sortArguments('subject', true, null)[0]).toEqual([A('REVERSE'), A('SUBJECT')]);
  });

  it('appends the search keys', () => {
    expect(sortArguments('date', true, { unread: true, flagged: true })).toEqual([[A('REVERSE'), A('DATE')], A('UTF-8'), A('UNSEEN'), A('FLAGGED')]);
  });
});

describe('searchArguments', () => {
  it('searches free text in From, To, Subject and body', () => {
    expect(searchArguments({ text: 'invoice' })).toEqual([A('OR'), A('FROM'), S('invoice'), A('OR'), A('TO'), S('invoice'), A('OR'), A('SUBJECT'), S('invoice'), A('BODY'), S('invoice')]);
  });

  it('quotes ASCII terms, sends non-ASCII ones as UTF-8 literals with CHARSET UTF-8', () => {
    expect(searchArguments({ from: 'a "b" \\c' })).toEqual([A('FROM'), S('a "b" \\c')]);
    const args = searchArguments({ subject: 'Größe' });
    expect(args.slice(0, 3)).toEqual([A('CHARSET'), A('UTF-8'), A('SUBJECT')]);
    expect(args[3]).toEqual({ type: 'LITERAL', value: Buffer.from('Größe', 'utf8') });
  });

  it('strips control characters (no CRLF reaches the wire) and cuts terms over the limit', () => {
    expect(searchArguments({ body: 'a\r\nb\u0000c' })).toEqual([A('BODY'), S('a  b c')]);
    const long = searchArguments({ to: 'x'.repeat(MAX_SEARCH_TERM_CHARS + 1) });
    expect((long[1] as { value: string }).value).toHaveLength(MAX_SEARCH_TERM_CHARS);
  });

  it('maps the date range to SENTSINCE and SENTBEFORE the day after (inclusive), and drops bad dates', () => {
    expect(searchArguments({ since: '2024-02-01', until: '2024-02-29' })).toEqual([A('SENTSINCE'), A('1-Feb-2024'), A('SENTBEFORE'), A('1-Mar-2024')]);
    expect(searchArguments({ since: '2024-13-45' })).toEqual([A('ALL')]);
    expect(searchArguments({ since: 'yesterday' })).toEqual([A('ALL')]);
    expect(imapDate('2023-12-31', 1)).toBe('1-Jan-2024');
  });

  it('approximates "has attachment" with a multipart/mixed Content-Type', () => {
    expect(searchArguments({ hasAttachment: true })).toEqual([A('HEADER'), S('Content-Type'), S('multipart/mixed')]);
  });

  it('is ALL for an empty search', () => {
    expect(searchArguments(null)).toEqual([A('ALL')]);
    expect(searchArguments({ text: '  ', unread: false })).toEqual([A('ALL')]);
  });
});

describe('UidCollector', () => {
  it('reads SORT atoms and SEARCH numbers in order, skipping anything that is not an nz-number', () => {
    const c = new UidCollector();
    c.add({ attributes: [A('5'), A('3'), A('0'), A('-1'), A('1e3'), A('4294967296'), { type: 'STRING', value: '9' }, A('4294967295')] });
    c.add({ numbers: [7, 8] });
    c.add(undefined);
    expect(Array.from(c.result())).toEqual([5, 3, 9, 4294967295, 7, 8]);
    expect(c.truncated).toBe(false);
  });

  it('stops at MAX_VIEW_MESSAGES', () => {
    const c = new UidCollector();
    for (let i = 1; i <= MAX_VIEW_MESSAGES + 1; i++) c.push(i);
    expect(c.length).toBe(MAX_VIEW_MESSAGES);
    expect(c.truncated).toBe(true);
  });
});

describe('uidSet', () => {
  it('compacts runs into ranges, in ascending order', () => {
    expect(uidSet([9, 1, 2, 3, 7, 10])).toBe('1:3,7,9:10');
    expect(uidSet(new Uint32Array([4]))).toBe('4');
  });
});

describe('ESEARCH / ESORT answers', () => {
  it('asks for RETURN (ALL) when the server has the extension', () => {
    expect(sortArguments('from', false, null, { esort: true })).toEqual([A('RETURN'), [A('ALL')], [A('FROM')], A('UTF-8'), A('ALL')]);
    expect(searchArguments({ subject: 'Ü' }, { esearch: true }).slice(0, 4)).toEqual([A('RETURN'), [A('ALL')], A('CHARSET'), A('UTF-8')]);
  });

  it('reads the ALL set in result order, ranges running the way they are written', () => {
    const c = new UidCollector();
    c.addEsearch({ attributes: [[A('TAG'), S('a4')], A('UID'), A('ALL'), A('12,10:11,9,3:1,*,0,5:x,7:8:9')] });
    expect(Array.from(c.result())).toEqual([12, 10, 11, 9, 3, 2, 1]);
  });

  it('takes an answer without ALL as no match, and stops a huge range at MAX_VIEW_MESSAGES', () => {
    const none = new UidCollector();
    none.addEsearch({ attributes: [[A('TAG'), S('a4')], A('UID')] });
    expect(none.length).toBe(0);
    const huge = new UidCollector();
    huge.addSequenceSet('1:4294967295');
    expect(huge.length).toBe(MAX_VIEW_MESSAGES);
    expect(huge.truncated).toBe(true);
  });
});
