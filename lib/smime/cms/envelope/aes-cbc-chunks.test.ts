import { describe, expect, it } from 'vitest';

import { CHUNK_BYTES, cbcCiphertextLength, decryptCbc, encryptCbcInto } from './aes-cbc-chunks';

const subtle = crypto.subtle;
const iv = crypto.getRandomValues(new Uint8Array(16));
const keyOf = () => subtle.importKey('raw', crypto.getRandomValues(new Uint8Array(32)), 'AES-CBC', false, ['encrypt', 'decrypt']);
// vitest's toEqual walks large arrays slowly: compare bytes, then assert once.
const same = (a: Uint8Array, b: Uint8Array) => a.length === b.length && a.every((byte, i) => byte === b[i]);
const message = (length: number) => {
  const bytes = new Uint8Array(length);
  for (let i = 0; i < length; i++) bytes[i] = (i * 31 + (i >>> 8)) & 0xff;
  return bytes;
};

describe('AES-CBC in pieces', () => {
  // Around every piece boundary, and a message of several pieces that ends on a block boundary.
  it.each([0, 15, 16, CHUNK_BYTES - 1, CHUNK_BYTES, CHUNK_BYTES + 1, 3 * CHUNK_BYTES + 32])('gives the bytes of one WebCrypto call for %i bytes, and decrypts them back', async (length) => {
    const key = await keyOf();
    const plaintext = message(length);
    const whole = new Uint8Array(await subtle.encrypt({ name: 'AES-CBC', iv }, key, plaintext));
    const out = new Uint8Array(cbcCiphertextLength(length));
    await encryptCbcInto(key, iv, plaintext, out);
    expect(same(out, whole)).toBe(true);
    expect(same(await decryptCbc(key, iv, whole), plaintext)).toBe(true);
  });

  it('still refuses bad padding at the real end, and ciphertext that is not whole blocks', async () => {
    const key = await keyOf();
    const sealed = new Uint8Array(await subtle.encrypt({ name: 'AES-CBC', iv }, key, message(2 * CHUNK_BYTES + 5)));
    const wrongIv = iv.map((b) => b ^ 1);
    // Changing the block before the last one changes the last plaintext block, its padding with it.
    const tampered = sealed.slice();
    tampered[tampered.length - 17]! ^= 0x04;
    await expect(decryptCbc(key, iv, tampered)).rejects.toThrow();
    await expect(decryptCbc(key, iv, sealed.subarray(0, sealed.length - 1))).rejects.toThrow();
    await expect(decryptCbc(key, iv, new Uint8Array(0))).rejects.toThrow();
    // The IV only changes the first block: the padding at the end still checks.
    expect(same((await decryptCbc(key, wrongIv, sealed)).subarray(16), message(2 * CHUNK_BYTES + 5).subarray(16))).toBe(true);
  });
});
