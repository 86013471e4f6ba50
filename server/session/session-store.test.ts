import { inspect } from 'node:util';

import { describe, expect, it } from 'vitest';

import { CredentialBox } from './credential-box';
import { SessionStore } from './session-store';

const SECRET = 's'.repeat(32);

describe('SessionStore', () => {
  it('stores the password only sealed with AES-256-GCM, and opens it again', () => {
    const store = new SessionStore(SECRET, 60_000);
    const { id } = store.create('alice', 'alice@sealpost.test', 'alice-pass');
    const record = store.get(id)!;
    // Every view of the stored record: its JSON, Node's inspection, and each byte buffer.
    const buffers = Object.values(record.password) as Buffer[];
    expect(JSON.stringify(record)).not.toContain('alice-pass');
    expect(inspect(record, { depth: 10 })).not.toContain('alice-pass');
    for (const b of buffers) expect(b.toString('latin1')).not.toContain('alice-pass');
    expect(record.password.iv).toHaveLength(12);
    expect(record.password.tag).toHaveLength(16);
    expect(store.password(record)).toBe('alice-pass');
  });

  it('seals the same password differently each time, under a key that is new per process', () => {
    const a = new CredentialBox(SECRET);
    const b = new CredentialBox(SECRET);
    const sealed = a.seal('alice-pass');
    expect(a.seal('alice-pass').data.equals(sealed.data)).toBe(false);
    expect(() => b.open(sealed)).toThrow();
    sealed.data[0] = (sealed.data[0] ?? 0) ^ 1;
    expect(() => a.open(sealed)).toThrow();
  });

  it('uses unguessable ids: 256 bits, different each time', () => {
    const store = new SessionStore(SECRET, 60_000);
    const a = store.create('a', 'a@x', 'p').id;
    const b = store.create('a', 'a@x', 'p').id;
    expect(a).not.toBe(b);
    expect(a).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(Buffer.from(a, 'base64url')).toHaveLength(32);
  });

  it('ends a session after the idle time, and activity keeps it alive', () => {
    let now = 0;
    const store = new SessionStore(SECRET, 1000, () => now);
    const session = store.create('alice', 'alice@x', 'p');
    now = 900;
    expect(store.get(session.id)).not.toBeNull();
    now = 1800; // 900 ms after the last use
    expect(store.get(session.id)).not.toBeNull();
    now = 2801;
    expect(store.get(session.id)).toBeNull();
    expect(store.size).toBe(0);
    expect(session.ended).toBe(true);
  });

  it('background reads do not keep a session alive', () => {
    let now = 0;
    const store = new SessionStore(SECRET, 1000, () => now);
    const session = store.create('alice', 'alice@x', 'p');
    now = 900;
    expect(store.get(session.id, { touch: false })).not.toBeNull();
    now = 1001;
    expect(store.get(session.id, { touch: false })).toBeNull();
    expect(session.ended).toBe(true);
  });

    it('sweep ends idle sessions without a request', () => {
    let now = 0;
    const store = new SessionStore(SECRET, 1000, () => now);
    store.create('a', 'a@x', 'p');
    now = 500;
    store.create('b', 'b@x', 'p');
    now = 1200;
    expect(store.sweep()).toBe(1);
    expect(store.size).toBe(1);
  });

  it('ends a session on sign-out and closes its IMAP connection', async () => {
    const store = new SessionStore(SECRET, 1000);
    const session = store.create('alice', 'alice@x', 'p');
    let loggedOut = false;
    session.imap = { logout: async () => void (loggedOut = true), close: () => {} } as unknown as NonNullable<typeof session.imap>;
    store.destroy(session.id);
    await Promise.resolve();
    expect(loggedOut).toBe(true);
    expect(store.get(session.id)).toBeNull();
    expect(session.imap).toBeUndefined();
  });

  it('does not know ids it never issued', () => {
    const store = new SessionStore(SECRET, 1000);
    expect(store.get('forged')).toBeNull();
    expect(store.get(undefined)).toBeNull();
  });
});
