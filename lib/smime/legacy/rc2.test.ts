import { describe, expect, it } from 'vitest';

import { isSmimeError } from '../errors';
import { decryptRc2Cbc, rc2BlockDecrypt } from './rc2';

const hex = (s: string) => Uint8Array.from(s.match(/../g) ?? [], (b) => parseInt(b, 16));

describe('RC2 block decryption', () => {
  // RFC 2268 section 5: key, effective key bits, plaintext, ciphertext.
  it.each([
    ['0000000000000000', 63, '0000000000000000', 'ebb773f993278eff'],
    ['ffffffffffffffff', 64, 'ffffffffffffffff', '278b27e42e2f0d49'],
    ['3000000000000000', 64, '1000000000000001', '30649edf9be7d2c2'],
    ['88', 64, '0000000000000000', '61a8a244adacccf0'],
    ['88bca90e90875a', 64, '0000000000000000', '6ccf4308974c267f'],
    ['88bca90e90875a7f0f79c384627bafb2', 64, '0000000000000000', '1a807d272bbe5db1'],
    ['88bca90e90875a7f0f79c384627bafb2', 128, '0000000000000000', '2269552ab0f85ca6'],
    ['88bca90e90875a7f0f79c384627bafb216f80a6f85920584c42fceb0be255daf1e', 129, '0000000000000000', '5b78d3a43dfff1f1'],
  ])('RFC 2268 vector key %s, %i effective bits', (key, bits, plain, cipher) => {
    const block = hex(cipher);
    rc2BlockDecrypt(hex(key), bits)(block, 0);
    expect(block).toEqual(hex(plain));
  });
});

describe('decryptRc2Cbc', () => {
  it('refuses a ciphertext that is not whole blocks, and a wrong IV length', () => {
    const key = hex('0011223344');
    for (const [iv, ct] of [[new Uint8Array(8), new Uint8Array(12)], [new Uint8Array(8), new Uint8Array(0)], [new Uint8Array(7), new Uint8Array(8)]] as const) {
      let error: unknown;
      try {
        decryptRc2Cbc(key, 40, iv, ct);
      } catch (e) {
        error = e;
      }
      expect(isSmimeError(error) && error.code).toBe('decryption-failed');
    }
  });
});
