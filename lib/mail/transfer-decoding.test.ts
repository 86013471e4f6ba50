import { describe, expect, it } from 'vitest';

import { decodeBase64, decodeQuotedPrintable, decodeTransferEncoding } from './transfer-decoding';

const enc = (s: string) => new TextEncoder().encode(s);
const dec = (b: Uint8Array) => new TextDecoder().decode(b);

describe('transfer decoding', () => {
  it('decodes base64 across line breaks, with and without padding', () => {
    const bytes = new Uint8Array(300).map((_, i) => (i * 7) & 0xff);
    const b64 = Buffer.from(bytes).toString('base64').replace(/.{76}/g, '$&\r\n');
    expect(Buffer.from(decodeBase64(enc(b64))).equals(Buffer.from(bytes))).toBe(true);
    expect(dec(decodeBase64(enc('aGk=')))).toBe('hi');
    expect(dec(decodeBase64(enc('aGk')))).toBe('hi');
  });
  it('decodes a truncated base64 part as far as it goes', () => {
    const full = Buffer.from('hello world, this is cut').toString('base64');
    expect(dec(decodeBase64(enc(full.slice(0, 10))))).toBe('hello w');
  });
  it('decodes quoted-printable escapes and soft line breaks, keeping bad escapes', () => {
    expect(dec(decodeQuotedPrintable(enc('Gr=C3=BC=C3=9Fe =\r\nweiter=\nhin =ZZ=')))).toBe('Grüße weiterhin =ZZ');
  });
  it('passes 7bit/8bit/binary and unknown encodings through', () => {
    const b = enc('as is');
    expect(decodeTransferEncoding(b, '8bit')).toBe(b);
    expect(decodeTransferEncoding(b, null)).toBe(b);
    expect(decodeTransferEncoding(b, 'x-uuencode')).toBe(b);
    expect(dec(decodeTransferEncoding(enc('aGk='), 'BASE64'))).toBe('hi');
  });
});
