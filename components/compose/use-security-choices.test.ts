import 'fake-indexeddb/auto';

import { describe, expect, it } from 'vitest';

import { ApiRequestError } from '@/lib/api/client';
import { DEFAULT_SECURITY_POLICY } from '@/lib/policy/security-policy';
import { createTrustStore } from '@/stores/trust-store';

import { currentPolicy, settingsUnavailable } from './use-security-choices';

// The composer may open before GET /api/security has answered: the trust store's policy() throws
// until then, and reading it during render crashed the whole page ("This page couldn't load").
describe('currentPolicy', () => {
  it('is null while the trust store is still loading the policy, and the policy once loaded', async () => {
    let answer: (value: { policy: typeof DEFAULT_SECURITY_POLICY; organisationAnchors: string[] }) => void = () => {};
    const policy = { ...DEFAULT_SECURITY_POLICY, requireSigning: true };
    const trust = createTrustStore('compose-policy@example.test', { fetchSecurity: () => new Promise((resolve) => (answer = resolve)) });
    expect(() => trust.policy()).toThrow();
    expect(currentPolicy(trust)).toBeNull();

    // What the composer does meanwhile: wait for the trust settings, then read the policy.
    const settings = trust.trustSettings();
    expect(currentPolicy(trust)).toBeNull();
    answer({ policy, organisationAnchors: [] });
    await settings;
    expect(currentPolicy(trust)).toEqual(policy);
  });

  it('stays null when the policy could not be loaded', async () => {
    const trust = createTrustStore('compose-policy-down@example.test', { fetchSecurity: () => Promise.reject(new Error('down')) });
    await expect(trust.trustSettings()).rejects.toThrow();
    expect(currentPolicy(trust)).toBeNull();
  });
});

// When GET /api/security fails, sending says so with the reason instead of a generic failure.
describe('settingsUnavailable', () => {
  it("names the trust store's reason for the failed load", async () => {
    const trust = createTrustStore('compose-policy-reason@example.test', {
      fetchSecurity: () => Promise.reject(new ApiRequestError('network', 'Sealpost cannot be reached. Check your connection.', 0)),
    });
    const failure = await trust.trustSettings().catch((e: unknown) => e);
    expect(settingsUnavailable(failure)).toBe(
      "The organisation's security settings could not be loaded (Sealpost cannot be reached. Check your connection), so the message was not signed, encrypted or sent. Try again in a moment.",
    );
    expect(settingsUnavailable(null)).toBe("The organisation's security settings could not be loaded, so the message was not signed, encrypted or sent. Try again in a moment.");
  });
});
