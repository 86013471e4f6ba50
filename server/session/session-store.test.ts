import { describe, expect, it } from 'vitest';

import { LoginThrottle, MAX_FAILURES } from './login-throttle';
import { SessionStore } from './session-store';

describe('SessionStore', () => {
  it('keeps the password only encrypted, and opens it again', () => {
    const store = new SessionStore('s'.repeat(32), 60_000);
    const session = store.create('alice', 'alice@sealpost.test', 'alice-pass');
    const record = JSON.stringify(session, (_k, v) => (v?.type === 'Buffer' ? Buffer.from(v.data).toString('latin1') : v));
    expect(record).not.toContain('alice-pass');
    expect(store.password(session)).toBe('alice-pass');
  });

  it('uses unguessable ids: 256 bits, different each time', () => {
    const store = new SessionStore('s'.repeat(32), 60_000);
    const a = store.create('a', 'a@x', 'p').id;
    const b = store.create('a', 'a@x', 'p').id;
    expect(a).not.toBe(b);
    expect(Buffer.from(a, 'base64url')).toHaveLength(32);
  });

  it('ends a session after the idle time, and activity keeps it alive', () => {
    let now = 0;
    const store = new SessionStore('s'.repeat(32), 1000, () => now);
    const { id } = store.create('alice', 'alice@x', 'p');
    now = 900;
    expect(store.get(id)).not.toBeNull();
    now = 1800; // 900 ms after the last use
    expect(store.get(id)).not.toBeNull();
    now = 2801;
    expect(store.get(id)).toBeNull();
    expect(store.size).toBe(0);
  });

  it('sweep ends idle sessions without a request', () => {
    let now = 0;
    const store = new SessionStore('s'.repeat(32), 1000, () => now);
    store.create('a', 'a@x', 'p');
    store.create('b', 'b@x', 'p');
    now = 5000;
    expect(store.sweep()).toBe(2);
  });

  it('does not know ids it never issued', () => {
    const store = new SessionStore('s'.repeat(32), 1000);
    expect(store.get('forged')).toBeNull();
    expect(store.get(undefined)).toBeNull();
  });
});

describe('LoginThrottle', () => {
  it('doubles the delay per failure for a username and address, and forgets on success', () => {
    const t = new LoginThrottle(() => 0);
    expect(t.delayFor('alice', '1.2.3.4')).toBe(0);
    t.failed('alice', '1.2.3.4');
    expect(t.delayFor('Alice', '1.2.3.4')).toBe(250);
    t.failed('alice', '1.2.3.4');
    expect(t.delayFor('alice', '1.2.3.4')).toBe(500);
    expect(t.delayFor('alice', '5.6.7.8')).toBe(0);
    t.succeeded('alice', '1.2.3.4');
    expect(t.delayFor('alice', '1.2.3.4')).toBe(0);
  });

  it('refuses after too many failures until the window passes', () => {
    let now = 0;
    const t = new LoginThrottle(() => now);
    for (let i = 0; i < MAX_FAILURES; i++) t.failed('bob', 'ip');
    expect(t.delayFor('bob', 'ip')).toBe('refuse');
    now = 16 * 60_000;
    expect(t.delayFor('bob', 'ip')).toBe(0);
  });
});
