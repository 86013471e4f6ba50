import { describe, expect, it } from 'vitest';

import { sendCipherForPolicy } from './send-cipher';
import { DEFAULT_SECURITY_POLICY, type SecurityPolicy } from './security-policy';

const GCM256 = '2.16.840.1.101.3.4.1.46';
const GCM128 = '2.16.840.1.101.3.4.1.6';
const CBC256 = '2.16.840.1.101.3.4.1.42';

describe('sendCipherForPolicy', () => {
  it('sends AES-256-GCM only when every recipient announced it', () => {
    expect(sendCipherForPolicy([[GCM256, CBC256], [GCM256]], DEFAULT_SECURITY_POLICY)).toEqual({ cipher: 'aes-256-gcm' });
    expect(sendCipherForPolicy([[GCM256], null], DEFAULT_SECURITY_POLICY)).toEqual({ cipher: 'aes-256-cbc' });
    expect(sendCipherForPolicy([[CBC256]], DEFAULT_SECURITY_POLICY)).toEqual({ cipher: 'aes-256-cbc' });
  });

  it('sends GCM to everyone when the organisation says every client reads it', () => {
    expect(sendCipherForPolicy([null], { ...DEFAULT_SECURITY_POLICY, everyoneReadsGcm: true })).toEqual({ cipher: 'aes-256-gcm' });
  });

  it("falls back to the policy's first allowed cipher every recipient reads", () => {
    const cbc128Only: SecurityPolicy = { ...DEFAULT_SECURITY_POLICY, allowedSendCiphers: ['aes-128-cbc'] };
    expect(sendCipherForPolicy([[GCM256]], cbc128Only)).toEqual({ cipher: 'aes-128-cbc' });
    const gcm128First: SecurityPolicy = { ...DEFAULT_SECURITY_POLICY, allowedSendCiphers: ['aes-128-gcm', 'aes-128-cbc'] };
    expect(sendCipherForPolicy([[GCM128], [GCM128, GCM256]], gcm128First)).toEqual({ cipher: 'aes-128-gcm' });
    expect(sendCipherForPolicy([[GCM128], null], gcm128First)).toEqual({ cipher: 'aes-128-cbc' });
  });

  it('finds no cipher when the policy allows only GCM and a recipient is not known to read it', () => {
    const gcmOnly: SecurityPolicy = { ...DEFAULT_SECURITY_POLICY, allowedSendCiphers: ['aes-256-gcm'] };
    const decision = sendCipherForPolicy([[GCM256], null], gcmOnly);
    expect(decision.cipher).toBeNull();
    expect(decision).toHaveProperty('reason', expect.stringMatching(/allows only aes-256-gcm/));
    expect(sendCipherForPolicy([[GCM256]], gcmOnly)).toEqual({ cipher: 'aes-256-gcm' });
  });
});
