import { describe, expect, it } from 'vitest';

import type { CertificateSummary } from '../smime';

import { DEFAULT_SECURITY_POLICY, type SecurityPolicy } from './security-policy';
import { signatureHashOf, signatureMeetsPolicy, signingHashForPolicy } from './signature-policy';

const withKey = (keyAlgorithm: string) => ({ keyAlgorithm }) as CertificateSummary;

describe('signatureHashOf', () => {
  it.each([
    ['rsa-pkcs1-sha256', 'SHA-256'],
    ['rsa-pss-sha384', 'SHA-384'],
    ['ecdsa-p521-sha512', 'SHA-512'],
    ['ecdsa-sha1', 'SHA-1'],
    ['rsa-pkcs1-sha1', 'SHA-1'],
    ['ed25519', 'SHA-512'],
    ['rsa-pkcs1-md5', null],
    ['1.2.840.113549.1.1.4', null],
    ['rsa-pkcs1-sha224', null],
  ])('%s → %s', (algorithm, hash) => {
    expect(signatureHashOf(algorithm)).toBe(hash);
  });
});

describe('signatureMeetsPolicy', () => {
  it('accepts SHA-256 with RSA-2048 and P-256 under the default policy', () => {
    expect(signatureMeetsPolicy({ algorithm: 'rsa-pkcs1-sha256', certificate: withKey('rsa-2048') }, DEFAULT_SECURITY_POLICY)).toEqual({ ok: true, reasons: [] });
    expect(signatureMeetsPolicy({ algorithm: 'ecdsa-p256-sha256', certificate: withKey('ec-p256') }, DEFAULT_SECURITY_POLICY).ok).toBe(true);
  });

  it('refuses SHA-1 unless the policy allows it', () => {
    const verdict = signatureMeetsPolicy({ algorithm: 'rsa-pkcs1-sha1', certificate: withKey('rsa-2048') }, DEFAULT_SECURITY_POLICY);
    expect(verdict.ok).toBe(false);
    expect(verdict.reasons).toEqual([expect.stringMatching(/uses SHA-1, which the organisation's policy does not accept/)]);
    const lenient: SecurityPolicy = { ...DEFAULT_SECURITY_POLICY, allowedSignatureHashes: ['SHA-256', 'SHA-1'] };
    expect(signatureMeetsPolicy({ algorithm: 'rsa-pkcs1-sha1', certificate: withKey('rsa-2048') }, lenient).ok).toBe(true);
  });

  it('refuses a hash the policy leaves out, and an unknown algorithm', () => {
    const only512: SecurityPolicy = { ...DEFAULT_SECURITY_POLICY, allowedSignatureHashes: ['SHA-512'] };
    expect(signatureMeetsPolicy({ algorithm: 'rsa-pss-sha256', certificate: null }, only512).ok).toBe(false);
    expect(signatureMeetsPolicy({ algorithm: 'ed25519', certificate: null }, only512).ok).toBe(true);
    expect(signatureMeetsPolicy({ algorithm: 'rsa-pkcs1-md5', certificate: null }, DEFAULT_SECURITY_POLICY).reasons[0]).toMatch(/uses rsa-pkcs1-md5/);
  });

  it('refuses an RSA key below minRsaBits, giving both reasons when both fail', () => {
    const strict: SecurityPolicy = { ...DEFAULT_SECURITY_POLICY, minRsaBits: 3072 };
    expect(signatureMeetsPolicy({ algorithm: 'rsa-pkcs1-sha256', certificate: withKey('rsa-3072') }, strict).ok).toBe(true);
    const verdict = signatureMeetsPolicy({ algorithm: 'rsa-pkcs1-sha1', certificate: withKey('rsa-2048') }, strict);
    expect(verdict.reasons).toHaveLength(2);
    expect(verdict.reasons[1]).toMatch(/2048 bits; the organisation's policy requires at least 3072/);
  });
});

describe('signingHashForPolicy', () => {
  it("takes the policy's first hash, never SHA-1", () => {
    expect(signingHashForPolicy(DEFAULT_SECURITY_POLICY)).toBe('SHA-256');
    expect(signingHashForPolicy({ ...DEFAULT_SECURITY_POLICY, allowedSignatureHashes: ['SHA-1', 'SHA-384'] })).toBe('SHA-384');
    expect(() => signingHashForPolicy({ ...DEFAULT_SECURITY_POLICY, allowedSignatureHashes: ['SHA-1'] })).toThrow(/no hash to sign with/);
  });
});
