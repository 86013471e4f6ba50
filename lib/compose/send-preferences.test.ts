import { describe, expect, it } from 'vitest';

import { DEFAULT_SECURITY_POLICY } from '../policy/security-policy';

import { DEFAULT_SEND_PREFERENCES, effectiveSendDefaults, readSendPreferences, writeSendPreferences } from './send-preferences';

function memoryStorage() {
  const items = new Map<string, string>();
  return { getItem: (k: string) => items.get(k) ?? null, setItem: (k: string, v: string) => void items.set(k, v), items };
}

describe('send preferences', () => {
  it('round-trip per address, case-insensitively, and other addresses keep the defaults', () => {
    const storage = memoryStorage();
    writeSendPreferences(storage, 'Alice@Sealpost.test', { signByDefault: true, encryptByDefault: true, signingFormat: 'opaque' });
    expect(readSendPreferences(storage, 'alice@sealpost.test')).toEqual({ signByDefault: true, encryptByDefault: true, signingFormat: 'opaque' });
    expect(readSendPreferences(storage, 'bob@sealpost.test')).toEqual(DEFAULT_SEND_PREFERENCES);
  });

  it('anything unreadable falls back to the defaults, field by field', () => {
    const storage = memoryStorage();
    storage.items.set('sealpost:send-preferences:a@b.test', '{not json');
    expect(readSendPreferences(storage, 'a@b.test')).toEqual(DEFAULT_SEND_PREFERENCES);
    storage.items.set('sealpost:send-preferences:a@b.test', JSON.stringify({ signByDefault: 'yes', encryptByDefault: true, signingFormat: 'smime' }));
    expect(readSendPreferences(storage, 'a@b.test')).toEqual({ signByDefault: false, encryptByDefault: true, signingFormat: null });
    expect(readSendPreferences(undefined, 'a@b.test')).toEqual(DEFAULT_SEND_PREFERENCES);
  });

  it('the policy only makes the defaults stricter', () => {
    const relaxed = { signByDefault: false, encryptByDefault: false, signingFormat: null };
    expect(effectiveSendDefaults(relaxed, DEFAULT_SECURITY_POLICY)).toEqual({ sign: false, encrypt: false, signingFormat: 'clear' });
    const strict = { ...DEFAULT_SECURITY_POLICY, requireSigning: true, requireEncryption: true, defaultSigningFormat: 'opaque' as const };
    expect(effectiveSendDefaults(relaxed, strict)).toEqual({ sign: true, encrypt: true, signingFormat: 'opaque' });
    expect(effectiveSendDefaults({ signByDefault: true, encryptByDefault: false, signingFormat: 'clear' }, strict)).toEqual({ sign: true, encrypt: true, signingFormat: 'clear' });
  });
});
