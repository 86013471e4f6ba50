import { describe, expect, it } from 'vitest';

import { MAX_HEADER_BYTES, isPkcs7Mime, topContentType } from './pkcs7-source';

const bytes = (s: string) => new TextEncoder().encode(s);

describe('isPkcs7Mime', () => {
  it('reads the top-level Content-Type, folded or not, old x- spelling too', () => {
    expect(isPkcs7Mime(bytes('Subject: x\r\nContent-Type: application/pkcs7-mime;\r\n smime-type=enveloped-data\r\n\r\nMIAG'))).toBe(true);
    expect(isPkcs7Mime(bytes('content-type:\r\n Application/X-PKCS7-MIME; name=smime.p7m\r\n\r\n'))).toBe(true);
    expect(topContentType(bytes('A: b\r\nContent-Type: text/plain;\r\n\tcharset=utf-8\r\n\r\n'))).toBe('text/plain; charset=utf-8');
  });

  it('ignores a pkcs7-mime part inside the body and anything past the header bound', () => {
    expect(isPkcs7Mime(bytes('Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\nContent-Type: application/pkcs7-mime\r\n'))).toBe(false);
    expect(isPkcs7Mime(bytes('Subject: x\r\n\r\nContent-Type: application/pkcs7-mime\r\n'))).toBe(false);
    expect(isPkcs7Mime(bytes(`X-Pad: ${'a'.repeat(MAX_HEADER_BYTES)}\r\nContent-Type: application/pkcs7-mime\r\n\r\n`))).toBe(false);
  });
});
