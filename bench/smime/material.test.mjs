import { describe, expect, it } from 'vitest';

import { parseSizes, textMessage } from './material.mjs';

describe('parseSizes', () => {
  it('reads k and m in binary units', () => {
    expect(parseSizes('10k, 1m,25M')).toEqual([
      { label: '10k', bytes: 10240 },
      { label: '1m', bytes: 1048576 },
      { label: '25m', bytes: 26214400 },
    ]);
  });
  it('refuses anything else', () => {
    for (const bad of ['10', '1g', '0k', 'k', '1.5m', '300m', '']) expect(() => parseSizes(bad), bad).toThrow();
  });
});

describe('textMessage', () => {
  it('is exactly the size asked, text/plain headers then CRLF lines of at most 78 bytes with their CRLF', () => {
    for (const bytes of [90, 91, 92, 93, 10240, 100_003]) {
      const m = textMessage(bytes);
      expect(m.length).toBe(bytes);
      const text = m.toString('latin1');
      expect(text.startsWith('Content-Type: text/plain; charset=us-ascii\r\nContent-Transfer-Encoding: 7bit\r\n\r\n')).toBe(true);
      expect(text.endsWith('\r\n')).toBe(true);
      const lines = text.slice(0, -2).split('\r\n');
      expect(lines.every((l) => !l.includes('\n') && !l.includes('\r'))).toBe(true);
      expect(Math.max(...lines.map((l) => l.length))).toBeLessThanOrEqual(78);
      expect(/^[\x20-\x7e\r\n]*$/.test(text)).toBe(true);
    }
  });
  it('is the same for the same seed and differs for another', () => {
    expect(textMessage(5000).equals(textMessage(5000))).toBe(true);
    expect(textMessage(5000, 2).equals(textMessage(5000))).toBe(false);
  });
  it('refuses a size too small for the headers and a line', () => {
    expect(() => textMessage(80)).toThrow();
  });
});
