import 'server-only';

import { AppError } from '../errors';

// Slows down password guessing per username and client address: attempts for one key run one
// after another, and each recorded failure doubles the wait before the next one is checked
// (500 ms, 1 s, 2 s ... up to 16 s). A success or 15 quiet minutes forget the failures. There is
// no hard lock-out, so a guesser cannot lock a user out; a few attempts may queue per key, more
// are refused with 'too-many-attempts'. Failures are also counted per username across all
// addresses: a guesser who rotates addresses (or forges them) is slowed too once a username has
// more failures than one person plausibly makes.

export const THROTTLE_BASE_DELAY_MS = 500;
export const THROTTLE_MAX_DELAY_MS = 16_000;
/** Failures older than this (since the last one) are forgotten. */
export const THROTTLE_WINDOW_MS = 15 * 60_000;
/** Attempts for one key that may wait in line; the next is refused. */
export const THROTTLE_MAX_QUEUED = 3;
/** Failures for one username, from any address, before every address is slowed for it. */
export const THROTTLE_USERNAME_FREE_FAILURES = 20;
/** Keys remembered at most; beyond it stale entries are dropped. */
const MAX_KEYS = 10_000;

interface Failures {
  count: number;
  last: number;
}

interface Options {
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

const realSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export class LoginThrottle {
  private readonly failures = new Map<string, Failures>();
  private readonly lines = new Map<string, { tail: Promise<unknown>; queued: number }>();
  private readonly now: () => number;
  private readonly sleep: (ms: number) => Promise<void>;

  constructor({ now = Date.now, sleep = realSleep }: Options = {}) {
    this.now = now;
    this.sleep = sleep;
  }

  private key(username: string, ip: string): string {
    return `${username.trim().toLowerCase()}\u0000${ip}`;
  }

  /** The key counting a username's failures from every address ("\u0001" is never an address). */
  private usernameKey(username: string): string {
    return this.key(username, '\u0001');
  }

  /** The wait before the next attempt for this username and address is checked. */
  delayFor(username: string, ip: string): number {
    const perAddress = this.current(this.key(username, ip))?.count ?? 0;
    const perUsername = (this.current(this.usernameKey(username))?.count ?? 0) - THROTTLE_USERNAME_FREE_FAILURES;
    const count = Math.max(perAddress, perUsername);
    return count > 0 ? Math.min(THROTTLE_BASE_DELAY_MS * 2 ** (count - 1), THROTTLE_MAX_DELAY_MS) : 0;
  }

  /**
   * Runs one login attempt in line for its key, after the key's delay. `isFailure` says which
   * errors count as a wrong password (a server that cannot be reached does not).
   */
  async attempt<T>(username: string, ip: string, run: () => Promise<T>, isFailure: (err: unknown) => boolean): Promise<T> {
    const key = this.key(username, ip);
    const line = this.lines.get(key) ?? { tail: Promise.resolve(), queued: 0 };
    if (line.queued >= THROTTLE_MAX_QUEUED) throw new AppError('too-many-attempts');
    line.queued++;
    this.lines.set(key, line);
    const turn = line.tail.then(async () => {
      await this.sleep(this.delayFor(username, ip));
      try {
        const result = await run();
        // Only this address's failures are forgotten: a success elsewhere says nothing about
        // the guesses other addresses made.
        this.failures.delete(key);
        return result;
      } catch (err) {
        if (isFailure(err)) {
          this.recordFailure(key);
          this.recordFailure(this.usernameKey(username));
        }
        throw err;
      }
    });
    line.tail = turn.catch(() => {});
    try {
      return await turn;
    } finally {
      if (--line.queued === 0 && this.lines.get(key) === line) this.lines.delete(key);
    }
  }

  private current(key: string): Failures | undefined {
    const f = this.failures.get(key);
    if (f && this.now() - f.last > THROTTLE_WINDOW_MS) {
      this.failures.delete(key);
      return undefined;
    }
    return f;
  }

  private recordFailure(key: string): void {
    const f = this.current(key) ?? { count: 0, last: 0 };
    f.count++;
    f.last = this.now();
    this.failures.set(key, f);
    if (this.failures.size > MAX_KEYS) {
      for (const k of this.failures.keys()) this.current(k);
    }
  }
}
