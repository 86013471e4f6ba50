import 'fake-indexeddb/auto';

import { describe, expect, it } from 'vitest';

import { type StoredRoot, userRootsDb } from './user-roots-db';

const root = (n: number, addedAt = `2026-01-0${n}T00:00:00.000Z`): StoredRoot => ({ sha256: `${n}`.repeat(64), der: new Uint8Array([0x30, n]), addedAt });

describe('userRootsDb', () => {
  it('stores, lists (oldest first) and removes roots, and survives a new connection', async () => {
    const db = userRootsDb('alice@example.test');
    expect(await db.list()).toEqual([]);
    expect(await db.add(root(2))).toBe(true);
    expect(await db.add(root(1))).toBe(true);
    expect(await db.add(root(1, '2026-02-01T00:00:00.000Z'))).toBe(false);
    // A new page: a new handle on the same database.
    const again = userRootsDb('alice@example.test');
    expect(await again.list()).toEqual([root(1), root(2)]);
    await again.remove(root(1).sha256);
    expect((await db.list()).map((r) => r.sha256)).toEqual([root(2).sha256]);
  });

  it("keeps each signed-in address's roots apart (the address's case does not matter)", async () => {
    const bob = userRootsDb('bob@example.test');
    const carol = userRootsDb('carol@example.test');
    await bob.add(root(3));
    expect(await carol.list()).toEqual([]);
    expect(await userRootsDb('BOB@Example.Test ').list()).toEqual([root(3)]);
    await carol.remove(root(3).sha256);
    expect(await bob.list()).toEqual([root(3)]);
  });
});
