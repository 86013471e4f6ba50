import { describe, expect, it } from 'vitest';

import { AppError } from '../errors';
import { LoginThrottle, THROTTLE_MAX_DELAY_MS, THROTTLE_MAX_QUEUED, THROTTLE_USERNAME_FREE_FAILURES, THROTTLE_WINDOW_MS } from './login-throttle';

const wrong = () => Promise.reject(new AppError('auth-failed'));
const isFailure = (e: unknown) => e instanceof AppError && e.code === 'auth-failed';

function throttle() {
  let now = 0;
  const slept: number[] = [];
  const t = new LoginThrottle({
    now: () => now,
    sleep: async (ms) => {
      slept.push(ms);
    },
  });
  return { t, slept, advance: (ms: number) => (now += ms) };
}

describe('LoginThrottle', () => {
  it('waits longer after each failure for a username and address, and forgets on success', async () => {
    const { t, slept } = throttle();
    for (let i = 0; i < 3; i++) await expect(t.attempt('alice', '1.2.3.4', wrong, isFailure)).rejects.toThrow();
    expect(slept).toEqual([0, 500, 1000]);
    expect(t.delayFor('Alice', '1.2.3.4')).toBe(2000); // usernames compare case-insensitively
    expect(t.delayFor('alice', '5.6.7.8')).toBe(0); // another address is not slowed
    expect(t.delayFor('bob', '1.2.3.4')).toBe(0); // nor another user
    await expect(t.attempt('alice', '1.2.3.4', async () => 'ok', isFailure)).resolves.toBe('ok');
    expect(t.delayFor('alice', '1.2.3.4')).toBe(0);
  });

  it('caps the delay, and forgets failures after a quiet window', async () => {
    const { t, advance } = throttle();
    for (let i = 0; i < 12; i++) await t.attempt('bob', 'ip', wrong, isFailure).catch(() => {});
    expect(t.delayFor('bob', 'ip')).toBe(THROTTLE_MAX_DELAY_MS);
    advance(THROTTLE_WINDOW_MS + 1);
    expect(t.delayFor('bob', 'ip')).toBe(0);
  });

  it('does not count an unreachable server as a wrong password', async () => {
    const { t } = throttle();
    await t.attempt('alice', 'ip', () => Promise.reject(new AppError('imap-unavailable')), isFailure).catch(() => {});
    expect(t.delayFor('alice', 'ip')).toBe(0);
  });

  it('runs attempts for one key one after another, and refuses a crowd', async () => {
    const { t } = throttle();
    let running = 0;
    let maxRunning = 0;
    const slow = async () => {
      maxRunning = Math.max(maxRunning, ++running);
      await new Promise((r) => setTimeout(r, 5));
      running--;
      throw new AppError('auth-failed');
    };
    const attempts = Array.from({ length: THROTTLE_MAX_QUEUED + 2 }, () => t.attempt('carol', 'ip', slow, isFailure));
    const results = await Promise.allSettled(attempts);
    expect(maxRunning).toBe(1);
    const codes = results.map((r) => (r.status === 'rejected' ? (r.reason as AppError).code : 'ok'));
    expect(codes.filter((c) => c === 'too-many-attempts')).toHaveLength(2);
    expect(codes.filter((c) => c === 'auth-failed')).toHaveLength(THROTTLE_MAX_QUEUED);
    // Once the line is empty, a new attempt is accepted again.
    await expect(t.attempt('carol', 'ip', async () => 'ok', isFailure)).resolves.toBe('ok');
  });

  it('slows every address for a username once it has many failures from rotating addresses', async () => {
    const { t, slept } = throttle();
    for (let i = 0; i < THROTTLE_USERNAME_FREE_FAILURES; i++) await t.attempt('dave', `10.0.0.${i}`, wrong, isFailure).catch(() => {});
    expect(slept.every((ms) => ms === 0)).toBe(true); // each address failed once: nobody was slowed yet
    expect(t.delayFor('dave', '192.0.2.1')).toBe(0);
    await t.attempt('dave', '192.0.2.1', wrong, isFailure).catch(() => {});
    expect(t.delayFor('dave', '198.51.100.9')).toBe(500); // a fresh address is slowed now
    expect(t.delayFor('erin', '198.51.100.9')).toBe(0); // other users are not
  });
});
