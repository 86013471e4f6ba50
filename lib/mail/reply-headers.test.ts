import { describe, expect, it } from 'vitest';

import { MAX_REFERENCES, type SourceHeaders, forwardSubject, replyRecipients, replySubject, threadHeaders } from './reply-headers';

const a = (address: string, name = '') => ({ name, address });
const SELF = 'judy@sealpost.test';

const src = (over: Partial<SourceHeaders> = {}): SourceHeaders => ({
  subject: 'Plans',
  from: a('bob@sealpost.test', 'Bob'),
  replyTo: [],
  to: [a('Judy@Sealpost.test', 'Judy'), a('carol@sealpost.test')],
  cc: [a('dave@sealpost.test'), a('BOB@sealpost.test'), a('carol@sealpost.test')],
  messageId: 'm3@x',
  references: ['m1@x', 'm2@x'],
  ...over,
});

describe('subjects', () => {
  it.each([
    ['Plans', 'Re: Plans'],
    ['Re: Plans', 'Re: Plans'],
    ['RE: re:Plans', 'Re: Plans'],
    ['Re[2]: Plans', 'Re: Plans'],
    ['AW: Plans', 'Re: Plans'],
    ['Fwd: Plans', 'Re: Fwd: Plans'],
    ['', 'Re: '],
  ])('reply to %j is %j', (subject, expected) => expect(replySubject(subject)).toBe(expected));

  it.each([
    ['Plans', 'Fwd: Plans'],
    ['Fwd: Plans', 'Fwd: Plans'],
    ['FW: Fwd: Plans', 'Fwd: Plans'],
    ['Re: Plans', 'Fwd: Re: Plans'],
  ])('forward of %j is %j', (subject, expected) => expect(forwardSubject(subject)).toBe(expected));
});

describe('replyRecipients', () => {
  it('replies to the sender', () => {
    expect(replyRecipients(src(), SELF, false)).toEqual({ to: [a('bob@sealpost.test', 'Bob')], cc: [] });
  });

  it('honours Reply-To', () => {
    const s = src({ replyTo: [a('list@sealpost.test', 'List')] });
    expect(replyRecipients(s, SELF, false).to).toEqual([a('list@sealpost.test', 'List')]);
    expect(replyRecipients(s, SELF, true).to.map((x) => x.address)).toEqual(['list@sealpost.test', 'carol@sealpost.test']);
  });

  it('reply all: sender and To, then Cc, without the user and without duplicates', () => {
    const r = replyRecipients(src(), SELF, true);
    expect(r.to.map((x) => x.address)).toEqual(['bob@sealpost.test', 'carol@sealpost.test']);
    expect(r.cc.map((x) => x.address)).toEqual(['dave@sealpost.test']);
  });

  it("answering one's own message goes to its recipients", () => {
    const r = replyRecipients(src({ from: a(SELF) }), SELF, true);
    expect(r.to.map((x) => x.address)).toEqual(['carol@sealpost.test']);
    expect(r.cc.map((x) => x.address)).toEqual(['dave@sealpost.test', 'BOB@sealpost.test']);
  });
});

describe('threadHeaders', () => {
  it('answers the message and extends its references', () => {
    expect(threadHeaders(src())).toEqual({ inReplyTo: 'm3@x', references: ['m1@x', 'm2@x', 'm3@x'] });
  });

  it('keeps the root and the newest references when the thread is long', () => {
    const refs = Array.from({ length: 50 }, (_, i) => `r${i}@x`);
    const h = threadHeaders(src({ references: refs, messageId: 'last@x' }));
    expect(h.references).toHaveLength(MAX_REFERENCES);
    expect(h.references?.[0]).toBe('r0@x');
    expect(h.references?.at(-1)).toBe('last@x');
    expect(h.references?.at(-2)).toBe('r49@x');
  });

  it('without a Message-ID there is nothing to answer', () => {
    expect(threadHeaders(src({ messageId: null, references: [] }))).toEqual({});
  });
});
