import { describe, expect, it } from 'vitest';

import { decodeQuotedPrintable } from '../../mail/transfer-decoding';
import { encodeQuotedPrintable } from './build-mime';
import { isSevenBitData, toCrlf } from './canonicalize';
import { decodeEncodedWords, encodeHeaderText } from './encoded-words';
import { decodedBody, bodyText, filenameOf } from './part-content';
import { headerValue, parseMime } from './parse-mime';
import { sevenBitEntity } from './seven-bit-entity';

const bytes = (text: string) => new TextEncoder().encode(text);
const text = (b: Uint8Array) => new TextDecoder().decode(b);

describe('toCrlf', () => {
  it('turns bare LF into CRLF and leaves CRLF alone', () => {
    expect(text(toCrlf(bytes('a\nb\r\nc\n')))).toBe('a\r\nb\r\nc\r\n');
    const canonical = bytes('a\r\n');
    expect(toCrlf(canonical)).toBe(canonical);
  });
});

describe('sevenBitEntity', () => {
  it('returns a 7-bit CRLF entity unchanged, and only fixes line ends of a 7-bit LF one', () => {
    const entity = bytes('Content-Type: text/plain\r\n\r\nhello\r\n');
    expect(sevenBitEntity(entity)).toBe(entity);
    expect(text(sevenBitEntity(bytes('Content-Type: text/plain\n\nhello\n')))).toBe('Content-Type: text/plain\r\n\r\nhello\r\n');
  });

  it('turns 8-bit text into quoted-printable and binary into base64, inside multiparts too', () => {
    const binary = String.fromCharCode(0, 1, 2, 255);
    const raw = new Uint8Array([
      ...bytes('Content-Type: multipart/mixed; boundary=zz\n\n--zz\nContent-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: 8bit\n\n'),
      ...bytes('Grüße\nFrom here\n'),
      ...bytes('--zz\nContent-Type: application/octet-stream\nContent-Transfer-Encoding: binary\nContent-Disposition: attachment; filename="naïve.bin"\n\n'),
      ...Uint8Array.from(binary, (c) => c.charCodeAt(0)),
      ...bytes('\n--zz--\n'),
    ]);
    const out = sevenBitEntity(raw);
    expect(isSevenBitData(out, false)).toBe(true);
    const root = parseMime(out);
    const [plain, file] = root.children;
    expect(headerValue(plain!, 'content-transfer-encoding')).toBe('quoted-printable');
    // The last line end before a delimiter belongs to the delimiter, not to the text.
    expect(bodyText(plain!)).toBe('Grüße\r\nFrom here');
    expect(text(out)).toContain('=46rom here');
    expect(headerValue(file!, 'content-transfer-encoding')).toBe('base64');
    expect(Array.from(decodedBody(file!))).toEqual([0, 1, 2, 255]);
    expect(filenameOf(file!)).toBe('naïve.bin');
  });

  it('picks a new boundary when re-encoding would make a line that starts with the old one', () => {
    const line = `${'é'.repeat(24)}--edge and more`;
    const raw = bytes(`Content-Type: multipart/mixed; boundary=edge\n\n--edge\nContent-Type: text/plain; charset=utf-8\n\n${line}\n--edge--\n`);
    const out = sevenBitEntity(raw);
    const root = parseMime(out);
    expect(root.contentType.params.get('boundary')).not.toBe('edge');
    expect(bodyText(root.children[0]!)).toBe(line);
  });
});

describe('quoted-printable and encoded words', () => {
  it('round-trips quoted-printable with lines of at most 76 characters and escaped trailing space', () => {
    const input = bytes(`${'ä'.repeat(60)} end \r\n\tTab\t\r\n${'x'.repeat(200)}`);
    const encoded = encodeQuotedPrintable(input);
    for (const line of text(encoded).split('\r\n')) expect(line.length).toBeLessThanOrEqual(76);
    expect(text(encoded)).toContain('end=20\r\n');
    expect(Array.from(decodeQuotedPrintable(encoded))).toEqual(Array.from(input));
  });

  it('encodes non-ASCII header text into words a decoder reads back, never splitting a character', () => {
    expect(encodeHeaderText('plain ascii')).toBe('plain ascii');
    const subject = `Über ${'日本語'.repeat(20)}`;
    const encoded = encodeHeaderText(subject);
    expect(isSevenBitData(bytes(encoded), false)).toBe(true);
    for (const line of encoded.split('\r\n')) expect(line.length).toBeLessThanOrEqual(76);
    expect(decodeEncodedWords(encoded.replace(/\r\n/g, ''))).toBe(subject);
  });
});
