import { describe, expect, it } from 'vitest';

import { isKeystoreLocked, unlockFunction } from './keystore-lock';

describe('keystore lock by shape', () => {
  it('recognises the locked error by class name or code, nothing else', () => {
    class KeystoreLockedError extends Error {
      override name = 'KeystoreLockedError';
    }
    expect(isKeystoreLocked(new KeystoreLockedError('locked'))).toBe(true);
    expect(isKeystoreLocked({ code: 'keystore-locked' })).toBe(true);
    expect(isKeystoreLocked(new Error('locked'))).toBe(false);
    expect(isKeystoreLocked(null)).toBe(false);
  });

  it('finds requestUnlock only when it is a function, and calls it on its source', async () => {
    const source = { unlocked: false, async requestUnlock() { this.unlocked = true; } };
    await unlockFunction(source)!();
    expect(source.unlocked).toBe(true);
    expect(unlockFunction({ requestUnlock: 'no' })).toBeNull();
    expect(unlockFunction(undefined)).toBeNull();
  });
});
