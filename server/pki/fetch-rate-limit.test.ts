import { describe, expect, it } from 'vitest';

import { FetchRateLimit } from './fetch-rate-limit';

describe('FetchRateLimit', () => {
  it('allows the limit per minute and session, then refuses until the minute is over', () => {
    let now = 0;
    const limit = new FetchRateLimit(3, () => now);
    for (let i = 0; i < 3; i++) limit.take('a');
    expect(() => limit.take('a')).toThrow(expect.objectContaining({ code: 'pki-fetch-rate-limited' }));
    limit.take('b'); // another session has its own count
    now = 59_999;
    expect(() => limit.take('a')).toThrow();
    now = 60_000;
    limit.take('a');
  });
});
