import 'server-only';

import { AppError } from '../errors';

// Bounds what one session can make the relay do: a page validating a few signatures needs a
// handful of fetches; a script using the server as a scanner needs thousands.

export const PKI_FETCHES_PER_MINUTE = 60;
const WINDOW_MS = 60_000;

export class FetchRateLimit {
  private readonly windows = new Map<string, { start: number; count: number }>();

  constructor(
    private readonly limit = PKI_FETCHES_PER_MINUTE,
    private readonly now: () => number = Date.now,
  ) {}

  /** Counts one fetch for `key`; throws 'pki-fetch-rate-limited' past the limit in the current minute. */
  take(key: string): void {
    const now = this.now();
    if (this.windows.size > 10_000) this.sweep(now);
    let w = this.windows.get(key);
    if (!w || now - w.start >= WINDOW_MS) {
      w = { start: now, count: 0 };
      this.windows.set(key, w);
    }
    if (w.count >= this.limit) throw new AppError('pki-fetch-rate-limited', `session over ${this.limit} fetches a minute`);
    w.count++;
  }

  private sweep(now: number): void {
    for (const [key, w] of this.windows) if (now - w.start >= WINDOW_MS) this.windows.delete(key);
  }
}

// On globalThis like the sessions: one count per process, whichever module graph loads this.
const STATE = Symbol.for('sealpost.pki-fetch-rate-limit');

export function pkiFetchRateLimit(): FetchRateLimit {
  const g = globalThis as typeof globalThis & { [STATE]?: FetchRateLimit };
  g[STATE] ??= new FetchRateLimit();
  return g[STATE];
}
