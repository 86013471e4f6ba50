import { describe, expect, it } from 'vitest';

import { makeTestCertificate } from '../smime/certs/test-certificate-factory';

import { certificateKeyAcceptable, keyMeetsPolicy, rsaBitsOf } from './key-size';
import { DEFAULT_SECURITY_POLICY } from './security-policy';

describe('key size under the policy', () => {
  it('reads RSA sizes from summaries', () => {
    expect(rsaBitsOf('rsa-4096')).toBe(4096);
    expect(rsaBitsOf('ec-p256')).toBeNull();
  });

  it('refuses RSA keys below minRsaBits and unreadable RSA keys, accepts curves', () => {
    expect(keyMeetsPolicy('rsa-2048', DEFAULT_SECURITY_POLICY)).toEqual({ ok: true });
    expect(keyMeetsPolicy('rsa-1024', DEFAULT_SECURITY_POLICY)).toEqual({ ok: false, reason: expect.stringMatching(/1024 bits.*at least 2048/) });
    expect(keyMeetsPolicy('rsa-2048', { ...DEFAULT_SECURITY_POLICY, minRsaBits: 4096 }).ok).toBe(false);
    expect(keyMeetsPolicy('rsa', DEFAULT_SECURITY_POLICY).ok).toBe(false);
    expect(keyMeetsPolicy('ec-p256', { ...DEFAULT_SECURITY_POLICY, minRsaBits: 16384 }).ok).toBe(true);
  });

  it('checks a certificate', async () => {
    const { certificate } = await makeTestCertificate({ subject: [{ type: '2.5.4.3', value: 'Curve' }] });
    expect(await certificateKeyAcceptable(certificate, DEFAULT_SECURITY_POLICY)).toEqual({ ok: true });
  });
});
