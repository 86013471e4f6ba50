import { describe, expect, it } from 'vitest';

import { MAX_QUOTED_CHARS, type QuotedSource, forwardBlock, replyQuote } from './quote-message';

const src: QuotedSource = {
  subject: 'Plans',
  from: { name: 'Bob Ødegård', address: 'bob@sealpost.test' },
  to: [{ name: '', address: 'judy@sealpost.test' }],
  cc: [{ name: 'Carol', address: 'carol@sealpost.test' }],
  date: '2026-11-23T10:00:00.000Z',
  text: 'Hi Judy,\r\n> earlier\n\nbye\n',
  html: null,
};

describe('quoting', () => {
  it('quotes a reply line by line under who wrote it', () => {
    expect(replyQuote(src)).toBe('\n\nOn Mon, 23 Nov 2026 10:00:00 GMT, Bob Ødegård <bob@sealpost.test> wrote:\n> Hi Judy,\n>> earlier\n>\n> bye\n');
  });

  it('quotes the HTML rendered as text', () => {
    expect(replyQuote({ ...src, text: null, html: '<p>from <b>html</b></p>' })).toContain('> from html\n');
  });

  it('quotes the HTML the reader showed, not a text/plain alternative saying something else (REPLY attacks)', () => {
    const quoted = replyQuote({ ...src, text: 'hidden old plaintext', html: '<p>shown</p><p style="display:none">hidden too</p>' });
    expect(quoted).toContain('> shown\n');
    expect(quoted).not.toMatch(/hidden/);
  });

  it('forwards with the original headers', () => {
    expect(forwardBlock(src)).toBe(
      [
        '',
        '',
        '---------- Forwarded message ----------',
        'From: Bob Ødegård <bob@sealpost.test>',
        'Date: Mon, 23 Nov 2026 10:00:00 GMT',
        'Subject: Plans',
        'To: judy@sealpost.test',
        'Cc: Carol <carol@sealpost.test>',
        '',
        'Hi Judy,\n> earlier\n\nbye',
        '',
      ].join('\n'),
    );
  });

  it('cuts very long originals', () => {
    const q = replyQuote({ ...src, text: 'x'.repeat(MAX_QUOTED_CHARS + 100) });
    expect(q.length).toBeLessThan(MAX_QUOTED_CHARS + 200);
    expect(q).toContain('[…]');
  });
});
