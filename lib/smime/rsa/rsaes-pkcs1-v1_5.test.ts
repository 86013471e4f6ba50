import { describe, expect, it } from 'vitest';

import { SmimeError } from '../errors';
import { bigIntToBytes, byteLength, bytesToBigInt, modPow } from './big-int-bytes';
import { rsaPrivateKeyFromPkcs8 } from './rsa-key';
import { emeValid, rsaesPkcs1v15DecryptKey, rsaesPkcs1v15Encrypt } from './rsaes-pkcs1-v1_5';

async function generatePkcs8(bits = 2048): Promise<Uint8Array> {
  const pair = await crypto.subtle.generateKey({ name: 'RSA-OAEP', modulusLength: bits, publicExponent: new Uint8Array([1, 0, 1]), hash: 'SHA-256' }, true, ['encrypt', 'decrypt']);
  return new Uint8Array(await crypto.subtle.exportKey('pkcs8', pair.privateKey));
}

const pkcs8 = await generatePkcs8();
const key = rsaPrivateKeyFromPkcs8(pkcs8);
const k = byteLength(key.n);
const cek = crypto.getRandomValues(new Uint8Array(32));

/** Encrypts an arbitrary EM block (for malformed paddings) with the public key. */
const rawEncrypt = (em: Uint8Array) => bigIntToBytes(modPow(bytesToBigInt(em), key.e, key.n), k);

function em(parts: { first?: number; second?: number; psLength: number; message: Uint8Array; separator?: number }): Uint8Array {
  const block = new Uint8Array(k);
  block[0] = parts.first ?? 0;
  block[1] = parts.second ?? 2;
  block.fill(0x5a, 2, 2 + parts.psLength);
  block[2 + parts.psLength] = parts.separator ?? 0;
  block.set(parts.message, k - parts.message.length);
  return block;
}

describe('RSAES-PKCS1-v1_5', () => {
  it('reads the RSA parts of a PKCS#8 key', () => {
    expect(k).toBe(256);
    expect(key.p * key.q).toBe(key.n);
    expect(key.e).toBe(65537n);
  });

  it('decrypts what it encrypted, with fresh padding each time', () => {
    const c1 = rsaesPkcs1v15Encrypt(key, cek);
    const c2 = rsaesPkcs1v15Encrypt(key, cek);
    expect(c1).toHaveLength(k);
    expect(c1).not.toEqual(c2);
    expect(rsaesPkcs1v15DecryptKey(key, c1, 32)).toEqual(cek);
    expect(rsaesPkcs1v15DecryptKey(key, c2, 32)).toEqual(cek);
  });

  it('decrypts a well-formed block built by hand', () => {
    const c = rawEncrypt(em({ psLength: k - 3 - 16, message: cek.subarray(0, 16) }));
    expect(rsaesPkcs1v15DecryptKey(key, c, 16)).toEqual(cek.subarray(0, 16));
  });

  it('answers every bad padding with a random key of the expected length, never an error', () => {
    const bad = [
      em({ first: 1, psLength: k - 35, message: cek }),
      em({ second: 1, psLength: k - 35, message: cek }),
      em({ psLength: 7, message: new Uint8Array(k - 10).fill(1) }), // padding too short
      em({ psLength: k - 35, message: cek, separator: 1 }), // no zero separator at all
      em({ psLength: k - 3 - 24, message: cek.subarray(0, 24) }), // a 24-byte key where 32 are expected
    ];
    for (const block of bad) {
      const c = rawEncrypt(block);
      const a = rsaesPkcs1v15DecryptKey(key, c, 32);
      const b = rsaesPkcs1v15DecryptKey(key, c, 32);
      expect(a).toHaveLength(32);
      expect(a).not.toEqual(cek);
      expect(a).not.toEqual(b); // random each time: nothing to compare across attempts
    }
  });

  it('checks the padding structure exactly', () => {
    expect(emeValid(em({ psLength: k - 35, message: cek }), 32)).toBe(1);
    expect(emeValid(em({ psLength: 8, message: new Uint8Array(k - 11).fill(7) }), k - 11)).toBe(1);
    expect(emeValid(em({ psLength: 7, message: new Uint8Array(k - 10).fill(7) }), k - 10)).toBe(0);
    expect(emeValid(em({ psLength: k - 35, message: cek }), 31)).toBe(0);
  });

  it('refuses ciphertexts of the wrong length or out of range, and over-long messages', () => {
    expect(() => rsaesPkcs1v15DecryptKey(key, new Uint8Array(k - 1), 32)).toThrow(SmimeError);
    expect(() => rsaesPkcs1v15DecryptKey(key, bigIntToBytes(key.n, k), 32)).toThrow(expect.objectContaining({ code: 'malformed-ciphertext' }));
    expect(() => rsaesPkcs1v15Encrypt(key, new Uint8Array(k - 10))).toThrow(expect.objectContaining({ code: 'message-too-long' }));
    expect(rsaesPkcs1v15DecryptKey(key, rsaesPkcs1v15Encrypt(key, new Uint8Array(k - 11).fill(9)), k - 11)).toEqual(new Uint8Array(k - 11).fill(9));
  });

  it('refuses a key that is not RSA or whose parts do not fit', async () => {
    expect(() => rsaPrivateKeyFromPkcs8(new Uint8Array([1, 2, 3]))).toThrow(expect.objectContaining({ code: 'malformed-key' }));
    const ec = await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, ['sign']);
    const ecPkcs8 = new Uint8Array(await crypto.subtle.exportKey('pkcs8', ec.privateKey));
    expect(() => rsaPrivateKeyFromPkcs8(ecPkcs8)).toThrow(expect.objectContaining({ code: 'malformed-key' }));
  });
});
