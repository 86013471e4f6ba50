import { describe, expect, it } from 'vitest';

import { LIMITS } from '../limits';
import { decodeEncodedWords } from './encoded-words';
import { parseParameterizedValue } from './header-params';
import { bodyText, filenameOf } from './part-content';
import { bodyBytes, entityBytes, headerValue, headerValues, parseMime } from './parse-mime';

const bytes = (text: string) => new TextEncoder().encode(text);
const text = (b: Uint8Array) => new TextDecoder().decode(b);
const crlf = (lines: string[]) => lines.join('\r\n');

const MIXED = crlf([
  'From: a@example.com',
  'Subject: folded',
  '  subject',
  'Content-Type: multipart/mixed;',
  '\tboundary="b1"',
  '',
  'preamble text',
  '--b1',
  'Content-Type: text/plain; charset=utf-8',
  '',
  'first line',
  'second line',
  '',
  '--b1  ',
  'Content-Type: multipart/alternative; boundary=b2',
  '',
  '--b2',
  '',
  'no headers here',
  '--b2--',
  '--b1--',
  'epilogue',
  '',
]);

describe('parseMime', () => {
  it('records exact byte ranges; the line end before a delimiter belongs to the delimiter', () => {
    const root = parseMime(bytes(MIXED));
    expect(root.contentType.value).toBe('multipart/mixed');
    expect(headerValue(root, 'subject')).toBe('folded  subject');
    const [first, alternative] = root.children;
    expect(text(entityBytes(first!))).toBe('Content-Type: text/plain; charset=utf-8\r\n\r\nfirst line\r\nsecond line\r\n');
    expect(text(bodyBytes(first!))).toBe('first line\r\nsecond line\r\n');
    expect(first!.partPath).toBe('1');
    expect(alternative!.children).toHaveLength(1);
    const leaf = alternative!.children[0]!;
    expect(leaf.partPath).toBe('2.1');
    expect(leaf.headers).toEqual([]);
    expect(leaf.contentType.value).toBe('text/plain');
    expect(text(bodyBytes(leaf))).toBe('no headers here');
  });

  it('parses LF-only messages the same way', () => {
    const root = parseMime(bytes(MIXED.replace(/\r\n/g, '\n')));
    expect(text(entityBytes(root.children[0]!))).toBe('Content-Type: text/plain; charset=utf-8\n\nfirst line\nsecond line\n');
    expect(text(bodyBytes(root.children[1]!.children[0]!))).toBe('no headers here');
  });

  it('takes a delimiter at the very start of the body and ignores look-alike lines', () => {
    const raw = crlf(['Content-Type: multipart/mixed; boundary=x', '', '--x', '', 'a', '--xy', '--x-- ', '']);
    const root = parseMime(bytes(raw));
    expect(root.children.map((c) => text(bodyBytes(c)))).toEqual(['a\r\n--xy']);
  });

  it('keeps going to the end of the body when the close delimiter is missing', () => {
    const root = parseMime(bytes(crlf(['Content-Type: multipart/mixed; boundary=x', '', '--x', '', 'a', '--x', '', 'b'])));
    expect(root.children.map((c) => text(bodyBytes(c)))).toEqual(['a', 'b']);
  });

  it('refuses a multipart without boundary, or whose boundary never occurs', () => {
    expect(() => parseMime(bytes('Content-Type: multipart/mixed\r\n\r\nbody'))).toThrow(expect.objectContaining({ code: 'malformed-mime' }));
    expect(() => parseMime(bytes('Content-Type: multipart/mixed; boundary=q\r\n\r\n--other\r\n'))).toThrow(
      expect.objectContaining({ code: 'malformed-mime' }),
    );
  });

  it('caps the number of parts (100,000 parts)', () => {
    const raw = `Content-Type: multipart/mixed; boundary=x\r\n\r\n${'--x\r\n\r\np\r\n'.repeat(100_000)}--x--\r\n`;
    const started = Date.now();
    expect(() => parseMime(bytes(raw))).toThrow(expect.objectContaining({ code: 'limit-exceeded' }));
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('caps multipart nesting', () => {
    let raw = 'leaf';
    for (let i = 0; i <= LIMITS.mimeDepth; i++) raw = `Content-Type: multipart/mixed; boundary=b${i}\r\n\r\n--b${i}\r\n${raw}\r\n--b${i}--`;
    expect(() => parseMime(bytes(raw))).toThrow(expect.objectContaining({ code: 'limit-exceeded' }));
  });

  it('caps the header block, with or without line ends', () => {
    const huge = `Subject: ${'x'.repeat(LIMITS.mimeHeaderBytes)}\r\n\r\nbody`;
    expect(() => parseMime(bytes(huge))).toThrow(expect.objectContaining({ code: 'limit-exceeded' }));
    const many = `${'X-A: b\r\n'.repeat(LIMITS.mimeHeaderBytes / 8 + 1)}\r\nbody`;
    expect(() => parseMime(bytes(many))).toThrow(expect.objectContaining({ code: 'limit-exceeded' }));
  });

  it('defaults to text/plain us-ascii, and message/rfc822 inside multipart/digest', () => {
    expect(parseMime(bytes('Subject: x\r\n\r\nhi')).contentType).toEqual({ value: 'text/plain', params: new Map([['charset', 'us-ascii']]) });
    const digest = parseMime(bytes('Content-Type: multipart/digest; boundary=d\r\n\r\n--d\r\n\r\nSubject: inner\r\n\r\nx\r\n--d--'));
    expect(digest.children[0]!.contentType.value).toBe('message/rfc822');
  });

  it('keeps every field of a repeated header, in order', () => {
    const root = parseMime(bytes('From: a@x\r\nFrom: b@y\r\n\r\n'));
    expect(headerValues(root, 'FROM')).toEqual(['a@x', 'b@y']);
  });
});

describe('header values', () => {
  it('reads quoted, unquoted and commented parameters', () => {
    const parsed = parseParameterizedValue('Multipart/Signed (c); protocol="application/pkcs7-signature"; micalg=sha-256; boundary="a;b\\"c"');
    expect(parsed.value).toBe('multipart/signed');
    expect(parsed.params.get('boundary')).toBe('a;b"c');
    expect(parsed.params.get('micalg')).toBe('sha-256');
  });

  it('joins RFC 2231 continuations and decodes their charset', () => {
    const parsed = parseParameterizedValue("attachment; filename*0*=utf-8''na%C3%AF; filename*1=ve.txt; filename=\"fallback\"");
    expect(parsed.params.get('filename')).toBe('naïve.txt');
  });

  it('decodes RFC 2047 words, joining adjacent ones and dropping the space between them', () => {
    expect(decodeEncodedWords('=?UTF-8?B?w6k=?= =?UTF-8?Q?t=C3=A9_x?= end')).toBe('été x end');
    expect(decodeEncodedWords('=?utf-8?B?4oK=?= =?utf-8?B?rA==?=')).toBe('€');
    expect(decodeEncodedWords('=?x-unknown?Q?a?= b')).toBe('=?x-unknown?Q?a?= b');
    expect(decodeEncodedWords('=?ISO-8859-1?Q?caf=E9?=')).toBe('café');
  });

  it('gives file names from Content-Disposition, else Content-Type name, and text in its charset', () => {
    const part = parseMime(
      bytes('Content-Type: text/plain; charset=iso-8859-1; name="=?UTF-8?B?w6kudHh0?="\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\ncaf=E9'),
    );
    expect(filenameOf(part)).toBe('é.txt');
    expect(bodyText(part)).toBe('café');
  });
});
