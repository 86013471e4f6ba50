import PostalMime from 'postal-mime';
import { describe, expect, it } from 'vitest';

import { fillerMessage } from './fill-folder.mjs';

const NOW = Date.parse('2026-11-23T12:00:00Z');
const YEAR = 365 * 86_400_000;

describe('fillerMessage', () => {
  it('is deterministic and spreads dates over the years, oldest first', () => {
    const a = fillerMessage(123, { total: 1000, now: NOW });
    expect(a.raw.equals(fillerMessage(123, { total: 1000, now: NOW }).raw)).toBe(true);
    const first = fillerMessage(0, { total: 1000, now: NOW }).date.getTime();
    const last = fillerMessage(999, { total: 1000, now: NOW }).date.getTime();
    expect(first).toBeLessThan(NOW - 7.9 * YEAR);
    expect(last).toBeGreaterThan(NOW - 86_400_000);
    expect(last).toBeLessThan(NOW);
  });

  it('varies sizes, adds an attachment to every 40th message and threads some replies', async () => {
    const sizes = Array.from({ length: 200 }, (_, i) => fillerMessage(i, { total: 200, now: NOW }).raw.length);
    expect(Math.min(...sizes)).toBeLessThan(1000);
    expect(Math.max(...sizes)).toBeGreaterThan(8000);
    const withFile = await PostalMime.parse(fillerMessage(40, { total: 200, now: NOW }).raw);
    expect(withFile.attachments).toHaveLength(1);
    const reply = await PostalMime.parse(fillerMessage(10, { total: 200, now: NOW }).raw);
    expect(reply.subject).toMatch(/^Re: /);
    expect(reply.inReplyTo).toBe((await PostalMime.parse(fillerMessage(9, { total: 200, now: NOW }).raw)).messageId);
    const raw = fillerMessage(25, { total: 200, now: NOW }).raw.toString('latin1');
    expect(raw.replace(/\r\n/g, '')).not.toMatch(/[\r\n]/);
    expect(raw.split('\r\n').every((l) => l.length <= 998)).toBe(true);
  });
});
