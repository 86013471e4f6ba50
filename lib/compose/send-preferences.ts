// The user's own defaults for new messages: sign, encrypt, and clear or opaque signing. Kept in
// the browser per address (they are preferences, not secrets); the policy can only make them
// stricter (a required Sign or Encrypt is on whatever is stored here).
import type { SecurityPolicy } from '../policy/security-policy';

export interface SendPreferences {
  signByDefault: boolean;
  encryptByDefault: boolean;
  /** null: the organisation's default (policy.defaultSigningFormat). */
  signingFormat: 'clear' | 'opaque' | null;
}

export const DEFAULT_SEND_PREFERENCES: SendPreferences = { signByDefault: false, encryptByDefault: false, signingFormat: null };

/** What localStorage offers; tests pass a Map-backed one. */
export interface PreferenceStorage {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
}

const keyFor = (address: string) => `sealpost:send-preferences:${address.trim().toLowerCase()}`;

/** Stored preferences for `address`; anything unreadable or unknown falls back to the defaults. */
export function readSendPreferences(storage: PreferenceStorage | undefined, address: string): SendPreferences {
  let stored: unknown;
  try {
    stored = JSON.parse(storage?.getItem(keyFor(address)) ?? 'null');
  } catch {
    stored = null;
  }
  const value = (stored && typeof stored === 'object' ? stored : {}) as Record<string, unknown>;
  return {
    signByDefault: value.signByDefault === true,
    encryptByDefault: value.encryptByDefault === true,
    signingFormat: value.signingFormat === 'clear' || value.signingFormat === 'opaque' ? value.signingFormat : null,
  };
}

export function writeSendPreferences(storage: PreferenceStorage | undefined, address: string, preferences: SendPreferences): void {
  storage?.setItem(keyFor(address), JSON.stringify(preferences));
}

/** The composer's starting toggles and format: the user's defaults, made stricter by the policy. */
export function effectiveSendDefaults(preferences: SendPreferences, policy: SecurityPolicy): { sign: boolean; encrypt: boolean; signingFormat: 'clear' | 'opaque' } {
  return {
    sign: policy.requireSigning || preferences.signByDefault,
    encrypt: policy.requireEncryption || preferences.encryptByDefault,
    signingFormat: preferences.signingFormat ?? policy.defaultSigningFormat,
  };
}
