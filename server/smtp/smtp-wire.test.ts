import crypto from 'node:crypto';

import { describe, expect, it } from 'vitest';

import { MAX_REPLY_LINE_BYTES, ReplyParser, dotStuff, formatReply, isEnvelopeAddress, lineEndProblem, parseEhlo } from './smtp-wire';

const crlf = (...lines: string[]) => Buffer.from(lines.map((l) => `${l}\r\n`).join(''), 'utf8');

/** What a receiving server does with dot-stuffed data (RFC 5321 §4.5.2). */
const unstuff = (data: Buffer) => Buffer.from(data.toString('latin1').replace(/(^|\r\n)\./g, '$1'), 'latin1');

describe('dotStuff', () => {
  it('doubles a dot at the start of every line, and only there', () => {
    expect(dotStuff(crlf('a', '.b', 'c.d', '..', '.')).toString()).toBe('a\r\n..b\r\nc.d\r\n...\r\n..\r\n');
    expect(dotStuff(crlf('.first line')).toString()).toBe('..first line\r\n');
  });

  it('returns the message itself when no line starts with a dot', () => {
    const m = crlf('Subject: x', '', 'no dots here. none.');
    expect(dotStuff(m)).toBe(m);
  });

  it('is undone exactly by the receiver, for random lines', () => {
    for (let n = 0; n < 50; n++) {
      const lines = Array.from({ length: 30 }, () => {
        const r = crypto.randomInt(4);
        return ['.', '..', '.x', 'x.'][r]! + crypto.randomBytes(crypto.randomInt(5)).toString('base64');
      });
      const m = crlf(...lines);
      const stuffed = dotStuff(m);
      expect(stuffed.toString('latin1')).not.toMatch(/\r\n\.\r\n/); // no line is a lone dot
      expect(unstuff(stuffed).equals(m)).toBe(true);
    }
  });
});

describe('lineEndProblem', () => {
  it('accepts CRLF lines only, ending with CRLF', () => {
    expect(lineEndProblem(crlf('Subject: x', '', 'body'))).toBeNull();
    expect(lineEndProblem(Buffer.from('a\r\nb\nc\r\n'))).toBe('bare LF at byte 4');
    expect(lineEndProblem(Buffer.from('\nx\r\n'))).toBe('bare LF at byte 0');
    expect(lineEndProblem(Buffer.from('a\rb\r\n'))).toBe('bare CR at byte 1');
    expect(lineEndProblem(Buffer.from('a\r\nb\r'))).toBe('bare CR at byte 4');
    expect(lineEndProblem(Buffer.from('a\r\nb'))).toBe('the last line does not end with CRLF');
    expect(lineEndProblem(Buffer.alloc(0))).toBe('the message is empty');
  });
});

describe('ReplyParser', () => {
  it('joins multi-line replies, even when they arrive a byte at a time', () => {
    const wire = Buffer.from('250-smtp.example.com greets you\r\n250-SIZE 1000\r\n250 AUTH PLAIN\r\n354\r\n550 5.7.1 Grüße\r\n');
    const parser = new ReplyParser();
    const replies = [...wire].flatMap((byte) => parser.push(Buffer.from([byte])));
    expect(replies).toEqual([
      { code: 250, lines: ['smtp.example.com greets you', 'SIZE 1000', 'AUTH PLAIN'] },
      { code: 354, lines: [''] },
      { code: 550, lines: ['5.7.1 Grüße'] },
    ]);
    expect(parser.idle).toBe(true);
  });

  it('knows when a reply is still incomplete', () => {
    const parser = new ReplyParser();
    expect(parser.push(Buffer.from('250-first\r\n'))).toEqual([]);
    expect(parser.idle).toBe(false);
  });

  it('refuses malformed lines, changing codes and over-long lines', () => {
    expect(() => new ReplyParser().push(Buffer.from('hello\r\n'))).toThrow(/malformed/);
    expect(() => new ReplyParser().push(Buffer.from('250-a\r\n550 b\r\n'))).toThrow(/code changed/);
    expect(() => new ReplyParser().push(Buffer.from(`250 ${'x'.repeat(MAX_REPLY_LINE_BYTES)}`))).toThrow(/too long/);
  });
});

describe('parseEhlo and formatReply', () => {
  it('reads keywords case-insensitively, and the old AUTH= form', () => {
    const caps = parseEhlo({ code: 250, lines: ['mx greets you', 'size 52428800', 'AUTH=login plain', 'STARTTLS'] });
    expect(caps.get('SIZE')).toEqual(['52428800']);
    expect(caps.get('AUTH')).toEqual(['LOGIN', 'PLAIN']);
    expect(caps.has('STARTTLS')).toBe(true);
  });

  it('shows a reply on one line without control characters', () => {
    expect(formatReply({ code: 550, lines: ['5.7.1 Relaying\u0007 denied', '5.7.1 try again'] })).toBe(
      '550 5.7.1 Relaying denied 5.7.1 try again',
    );
    expect(formatReply({ code: 250, lines: [''] })).toBe('250');
  });
});

describe('isEnvelopeAddress', () => {
  it.each(['bob@sealpost.test', 'first.last+tag@example.co.uk', '"odd person"@example.com', 'x@[192.0.2.1]', 'jörg@bücher.de'])(
    'accepts %s',
    (a) => expect(isEnvelopeAddress(a)).toBe(true),
  );
  it.each([
    '',
    'bob',
    'bob@',
    '@example.com',
    'a b@example.com',
    'bob@example.com>',
    'bob@example.com\r\nRCPT TO:<eve@example.com>',
    'bob@example.com\u2028',
    '.bob@example.com',
    'bob..x@example.com',
    'bob@-example.com',
    `${'x'.repeat(65)}@example.com`,
    `bob@${'x'.repeat(250)}.com`,
  ])('refuses %j', (a) => expect(isEnvelopeAddress(a)).toBe(false));
});
