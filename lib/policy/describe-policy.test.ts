import { describe, expect, it } from 'vitest';

import { describePolicy, describeRevocation } from './describe-policy';
import { DEFAULT_SECURITY_POLICY } from './security-policy';

const meaning = (lines: ReturnType<typeof describePolicy>, topic: string) => lines.find((l) => l.topic === topic)?.meaning;

describe('describePolicy', () => {
  it('says every setting of the default policy in words', () => {
    const lines = describePolicy(DEFAULT_SECURITY_POLICY);
    expect(lines).toHaveLength(Object.keys(DEFAULT_SECURITY_POLICY).length);
    expect(meaning(lines, 'Signing')).toBe('Signing each message is your choice.');
    expect(meaning(lines, 'Encryption ciphers for sending')).toBe('AES-256-GCM, AES-256-CBC, AES-128-GCM, AES-128-CBC.');
    expect(meaning(lines, 'Smallest RSA key')).toBe('2048 bits, for signers and recipients alike.');
    expect(meaning(lines, 'Revocation checking')).toMatch(/^Soft-fail/);
  });

  it('follows each setting', () => {
    const lines = describePolicy({
      ...DEFAULT_SECURITY_POLICY,
      requireSigning: true,
      requireEncryption: true,
      allowUnencryptedToRecipientsWithoutCertificate: false,
      defaultSigningFormat: 'opaque',
      everyoneReadsGcm: true,
      allowedSignatureHashes: ['SHA-512'],
      revocation: 'hard-fail',
    });
    expect(meaning(lines, 'Signing')).toBe('Every message must be signed.');
    expect(meaning(lines, 'Encryption')).toBe('Every message must be encrypted.');
    expect(meaning(lines, 'Recipients without a certificate')).toMatch(/cannot be sent/);
    expect(meaning(lines, 'Default signing format')).toMatch(/^Opaque-signed/);
    expect(meaning(lines, 'AES-GCM')).toMatch(/used for all recipients/);
    expect(meaning(lines, 'Signature hashes accepted')).toBe('SHA-512.');
    expect(meaning(lines, 'Revocation checking')).toMatch(/^Hard-fail/);
    expect(describeRevocation('off')).toMatch(/^Off/);
  });
});
