import { describe, expect, it } from 'vitest';

import { isSmimeError } from '../errors';
import { decryptDesEde3Cbc, desEde3BlockDecrypt } from './des-ede3';

const hex = (s: string) => Uint8Array.from(s.match(/../g) ?? [], (b) => parseInt(b, 16));

function decryptEcb(key: Uint8Array, ciphertext: Uint8Array): Uint8Array {
  const data = new Uint8Array(ciphertext);
  const decrypt = desEde3BlockDecrypt(key);
  for (let offset = 0; offset < data.length; offset += 8) decrypt(data, offset);
  return data;
}

describe('DES-EDE3 block decryption', () => {
  it('undoes the classic single-DES example (K1 = K2 = K3 makes 3DES plain DES)', () => {
    const key = hex('133457799bbcdff1'.repeat(3));
    expect(decryptEcb(key, hex('85e813540f0ab405'))).toEqual(hex('0123456789abcdef'));
  });

  it('undoes the NIST SP 800-67 example', () => {
    const key = hex('0123456789abcdef23456789abcdef01456789abcdef0123');
    const plain = decryptEcb(key, hex('a826fd8ce53b855fcce21c8112256fe668d5c05dd9b6b900'));
    expect(new TextDecoder().decode(plain)).toBe('The qufck brown fox jump');
  });
});

describe('decryptDesEde3Cbc', () => {
  const key = hex('0123456789abcdef23456789abcdef01456789abcdef0123');

  const code = (run: () => unknown) => {
    try {
      run();
    } catch (error) {
      return isSmimeError(error) ? error.code : 'untyped';
    }
    return 'no error';
  };

  it('refuses bad lengths of key, IV and ciphertext with one code', () => {
    expect(code(() => decryptDesEde3Cbc(key.subarray(0, 16), new Uint8Array(8), new Uint8Array(8)))).toBe('decryption-failed');
    expect(code(() => decryptDesEde3Cbc(key, new Uint8Array(16), new Uint8Array(8)))).toBe('decryption-failed');
    expect(code(() => decryptDesEde3Cbc(key, new Uint8Array(8), new Uint8Array(15)))).toBe('decryption-failed');
    expect(code(() => decryptDesEde3Cbc(key, new Uint8Array(8), new Uint8Array(0)))).toBe('decryption-failed');
  });

  it('removes the padding of a one-block message and refuses padding that is wrong', () => {
    // The SP 800-67 first block, with an IV chosen so the CBC plaintext is "hello" plus 03 03 03.
    const target = new Uint8Array([...new TextEncoder().encode('hello'), 3, 3, 3]);
    const ecb = new TextEncoder().encode('The qufc');
    const iv = ecb.map((b, i) => b ^ target[i]!);
    expect(new TextDecoder().decode(decryptDesEde3Cbc(key, iv, hex('a826fd8ce53b855f')))).toBe('hello');
    iv[6]! ^= 1; // padding becomes 03 02 03
    expect(code(() => decryptDesEde3Cbc(key, iv, hex('a826fd8ce53b855f')))).toBe('decryption-failed');
    const zeroPad = ecb.map((b, i) => b ^ (i === 7 ? 0 : target[i]!));
    expect(code(() => decryptDesEde3Cbc(key, zeroPad, hex('a826fd8ce53b855f')))).toBe('decryption-failed');
  });
});
