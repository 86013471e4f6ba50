import * as pkijs from 'pkijs';
import { describe, expect, it } from 'vitest';

import { encryptEnvelope, type EncryptOptions } from './encrypt-envelope';

const codeOf = (promise: Promise<unknown>) => promise.then(() => 'no error', (error: { code?: string }) => error.code);
const content = new Uint8Array([1, 2, 3]);

describe('encryptEnvelope options', () => {
  it('never sends 3DES or RC2, and refuses unknown options', async () => {
    const recipients = [new pkijs.Certificate()];
    expect(await codeOf(encryptEnvelope(content, recipients, { cipher: 'des-ede3-cbc' } as unknown as EncryptOptions))).toBe('unsupported-algorithm');
    expect(await codeOf(encryptEnvelope(content, recipients, { cipher: 'rc2-40' } as unknown as EncryptOptions))).toBe('unsupported-algorithm');
    expect(await codeOf(encryptEnvelope(content, recipients, { allowLegacy: true } as unknown as EncryptOptions))).toBe('invalid-argument');
    expect(await codeOf(encryptEnvelope(content, recipients, { rsaPadding: 'none' } as unknown as EncryptOptions))).toBe('invalid-argument');
  });

  it('needs a recipient', async () => {
    expect(await codeOf(encryptEnvelope(content, []))).toBe('invalid-argument');
  });
});
