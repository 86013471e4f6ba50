import { describe, expect, it } from 'vitest';

import { PolicyError, parseSecurityPolicy } from './parse-security-policy';
import { DEFAULT_SECURITY_POLICY } from './security-policy';

function problems(input: unknown): string[] {
  try {
    parseSecurityPolicy(input);
  } catch (e) {
    if (e instanceof PolicyError) return e.problems;
    throw e;
  }
  return [];
}

describe('parseSecurityPolicy', () => {
  it('gives the defaults for an empty object', () => {
    expect(parseSecurityPolicy({})).toEqual(DEFAULT_SECURITY_POLICY);
  });

  it('reads every setting', () => {
    const policy = {
      requireSigning: true,
      requireEncryption: true,
      allowedSendCiphers: ['aes-256-cbc', 'aes-256-gcm'],
      minRsaBits: 3072,
      allowedSignatureHashes: ['SHA-512', 'SHA-384'],
      allowUnencryptedToRecipientsWithoutCertificate: false,
      revocation: 'hard-fail',
      defaultSigningFormat: 'opaque',
      everyoneReadsGcm: true,
    };
    expect(parseSecurityPolicy(policy)).toEqual(policy);
  });

  it('turns plaintext copies off when encryption is required and the setting is left out', () => {
    expect(parseSecurityPolicy({ requireEncryption: true }).allowUnencryptedToRecipientsWithoutCertificate).toBe(false);
    expect(problems({ requireEncryption: true, allowUnencryptedToRecipientsWithoutCertificate: true })).toEqual([
      expect.stringMatching(/contradict/),
    ]);
  });

  it.each(['des-ede3-cbc', 'rc2-40', 'RC2-128', '3des', 'DES-EDE3-CBC'])('refuses the legacy cipher %s', (cipher) => {
    expect(problems({ allowedSendCiphers: ['aes-256-cbc', cipher] })).toEqual([`allowedSendCiphers: "${cipher}" is never allowed: RC2 and 3DES are broken`]);
  });

  it.each([
    [{ allowedSendCiphers: [] }, /^allowedSendCiphers must be a non-empty list/],
    [{ allowedSendCiphers: 'aes-256-cbc' }, /^allowedSendCiphers must be a non-empty list/],
    [{ allowedSendCiphers: ['aes-256-cbc', 'aes-256-cbc'] }, /^allowedSendCiphers names a value twice/],
    [{ allowedSendCiphers: ['chacha20'] }, /^allowedSendCiphers: "chacha20" is not one of aes-256-gcm/],
    [{ minRsaBits: 1024 }, /^minRsaBits must be a whole number of bits, 2048-16384 \(got 1024\)/],
    [{ minRsaBits: '2048' }, /^minRsaBits must be a whole number/],
    [{ minRsaBits: 2048.5 }, /^minRsaBits must be a whole number/],
    [{ allowedSignatureHashes: ['SHA-1'] }, /^allowedSignatureHashes must include SHA-256/],
    [{ allowedSignatureHashes: ['sha256'] }, /^allowedSignatureHashes: "sha256" is not one of/],
    [{ allowedSignatureHashes: ['MD5', 'SHA-256'] }, /^allowedSignatureHashes: "MD5"/],
    [{ requireSigning: 'yes' }, /^requireSigning must be true or false \(got "yes"\)/],
    [{ revocation: 'strict' }, /^revocation must be one of off, soft-fail, hard-fail \(got "strict"\)/],
    [{ defaultSigningFormat: 'detached' }, /^defaultSigningFormat must be one of clear, opaque/],
    [{ everyoneReadsGcm: true, allowedSendCiphers: ['aes-256-cbc'] }, /^everyoneReadsGcm needs an AES-GCM cipher/],
    [{ requireSignature: true }, /^unknown setting "requireSignature" \(known: requireSigning,/],
  ])('refuses %j', (input, message) => {
    const found = problems(input);
    expect(found).toHaveLength(1);
    expect(found[0]).toMatch(message);
  });

  it('reports every problem at once', () => {
    expect(problems({ minRsaBits: 512, revocation: 'x', extra: 1 })).toHaveLength(3);
  });

  it.each([null, [], 'policy', 3])('refuses %j as a whole', (input) => {
    expect(problems(input)).toEqual(['the policy must be a JSON object of settings']);
  });
});
