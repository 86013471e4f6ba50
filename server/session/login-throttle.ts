import 'server-only';

// Slows down password guessing: each failed login for a username from one address doubles the
// wait before the next attempt is checked (250 ms up to 8 s); after MAX_FAILURES within the
// window, attempts are refused until the window passes.

export const MAX_FAILURES = 10;
const WINDOW_MS = 15 * 60_000;
const BASE_DELAY_MS = 250;
const MAX_DELAY_MS = 8000;

interface Entry {
  failures: number;
  last: number;
}

export class LoginThrottle {
  private readonly entries = new Map<string, Entry>();

  constructor(private readonly now: () => number = Date.now) {}

  private key(username: string, ip: string): string {
    return `${username.trim().toLowerCase()}\u0000${ip}`;
  }

  private entry(username: string, ip: string): Entry | undefined {
    const e = this.entries.get(this.key(username, ip));
    if (e && this.now() - e.last > WINDOW_MS) {
      this.entries.delete(this.key(username, ip));
      return undefined;
    }
    return e;
  }

  /** How long to wait before checking this attempt, or 'refuse'. */
  delayFor(username: string, ip: string): number | 'refuse' {
    const e = this.entry(username, ip);
    if (!e) return 0;
    if (e.failures >= MAX_FAILURES) return 'refuse';
    return Math.min(BASE_DELAY_MS * 2 ** (e.failures - 1), MAX_DELAY_MS);
  }

  failed(username: string, ip: string): void {
    const e = this.entry(username, ip) ?? { failures: 0, last: 0 };
    e.failures++;
    e.last = this.now();
    this.entries.set(this.key(username, ip), e);
    if (this.entries.size > 10_000) this.prune();
  }

  succeeded(username: string, ip: string): void {
    this.entries.delete(this.key(username, ip));
  }

  private prune(): void {
    for (const [k, e] of this.entries) if (this.now() - e.last > WINDOW_MS) this.entries.delete(k);
  }
}
