import { describe, expect, it } from 'vitest';

import { base64Bytes } from './base64-bytes';

const ascii = (b: Uint8Array) => new TextDecoder('latin1').decode(b);

describe('base64Bytes', () => {
  it('matches Node for every length around the 3-byte groups', () => {
    for (let n = 0; n < 200; n++) {
      const bytes = Uint8Array.from({ length: n }, (_, i) => (i * 37 + n) & 255);
      expect(ascii(base64Bytes(bytes))).toBe(Buffer.from(bytes).toString('base64'));
    }
  });

  it('writes lines of 76 with CRLF, the last one ended too', () => {
    for (const n of [0, 1, 56, 57, 58, 114, 1000]) {
      const bytes = Uint8Array.from({ length: n }, (_, i) => i & 255);
      const text = ascii(base64Bytes(bytes, 76));
      const b64 = Buffer.from(bytes).toString('base64');
      expect(text).toBe(b64 ? `${b64.match(/.{1,76}/g)!.join('\r\n')}\r\n` : '');
    }
  });
});
