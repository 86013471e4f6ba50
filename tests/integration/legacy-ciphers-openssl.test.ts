import { execFileSync } from 'node:child_process';

import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { describe, expect, it } from 'vitest';

import { parseAs } from '@/lib/smime/asn1/parse-der';
import { isSmimeError } from '@/lib/smime/errors';
import { decryptDesEde3Cbc } from '@/lib/smime/legacy/des-ede3';
import { legacyContentCipher } from '@/lib/smime/legacy/legacy-content-cipher';
import { decryptRc2Cbc } from '@/lib/smime/legacy/rc2';
import { OID } from '@/lib/smime/oids';

// Our decrypt-only DES-EDE3 and RC2 against ciphertexts made by an independent implementation,
// the machine's OpenSSL (RC2 lives in its legacy provider).
const toHex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex');
const random = (length: number) => crypto.getRandomValues(new Uint8Array(length));

function opensslEnc(cipher: string, key: Uint8Array, iv: Uint8Array, plain: Uint8Array, extra: string[] = []): Uint8Array {
  const provider = cipher.startsWith('rc2') ? ['-provider', 'legacy', '-provider', 'default'] : [];
  return new Uint8Array(execFileSync('openssl', ['enc', `-${cipher}`, '-e', '-K', toHex(key), '-iv', toHex(iv), ...provider, ...extra], { input: plain }));
}

const errorCode = (run: () => unknown) => {
  try {
    run();
  } catch (error) {
    return isSmimeError(error) ? error.code : 'untyped';
  }
  return 'no error';
};

/** The AlgorithmIdentifier as a CMS message carries it, read back through the bounded parser. */
function algorithmFromDer(algorithmId: string, params: asn1js.AsnType): pkijs.AlgorithmIdentifier {
  const der = new Uint8Array(new pkijs.AlgorithmIdentifier({ algorithmId, algorithmParams: params }).toSchema().toBER());
  return parseAs(der, 'algorithm', (schema) => new pkijs.AlgorithmIdentifier({ schema }));
}

const LENGTHS = [0, 1, 7, 8, 9, 16, 100, 4099];

const CIPHERS = [
  { openssl: 'des-ede3-cbc', keyLength: 24, name: 'des-ede3-cbc', decrypt: (key: Uint8Array, iv: Uint8Array, ct: Uint8Array) => decryptDesEde3Cbc(key, iv, ct), params: (iv: Uint8Array) => new asn1js.OctetString({ valueHex: iv }), oid: OID.desEde3Cbc },
  { openssl: 'rc2-40-cbc', keyLength: 5, name: 'rc2-40', decrypt: (key: Uint8Array, iv: Uint8Array, ct: Uint8Array) => decryptRc2Cbc(key, 40, iv, ct), params: (iv: Uint8Array) => rc2Params(160, iv), oid: OID.rc2Cbc },
  { openssl: 'rc2-64-cbc', keyLength: 8, name: 'rc2-64', decrypt: (key: Uint8Array, iv: Uint8Array, ct: Uint8Array) => decryptRc2Cbc(key, 64, iv, ct), params: (iv: Uint8Array) => rc2Params(120, iv), oid: OID.rc2Cbc },
  { openssl: 'rc2-cbc', keyLength: 16, name: 'rc2-128', decrypt: (key: Uint8Array, iv: Uint8Array, ct: Uint8Array) => decryptRc2Cbc(key, 128, iv, ct), params: (iv: Uint8Array) => rc2Params(58, iv), oid: OID.rc2Cbc },
];

function rc2Params(version: number, iv: Uint8Array): asn1js.Sequence {
  return new asn1js.Sequence({ value: [new asn1js.Integer({ value: version }), new asn1js.OctetString({ valueHex: iv })] });
}

describe.each(CIPHERS)('$openssl against openssl enc', (cipher) => {
  const key = random(cipher.keyLength);
  const iv = random(8);

  it.each(LENGTHS)('decrypts a %i-byte plaintext', (length) => {
    const plain = random(length);
    const ciphertext = opensslEnc(cipher.openssl, key, iv, plain);
    expect(cipher.decrypt(key, iv, ciphertext)).toEqual(plain);
  });

  it('decrypts through legacyContentCipher from the DER AlgorithmIdentifier', async () => {
    const plain = new TextEncoder().encode('Content-Type: text/plain\r\n\r\nOld mail, still readable.\r\n');
    const legacy = legacyContentCipher(algorithmFromDer(cipher.oid, cipher.params(iv)))!;
    expect(legacy).toMatchObject({ name: cipher.name, keyLength: cipher.keyLength });
    expect(await legacy.decrypt(key, opensslEnc(cipher.openssl, key, iv, plain))).toEqual(plain);
  });

  it('answers bad padding and a truncated ciphertext with decryption-failed', () => {
    // Unpadded plaintexts whose last block ends in an impossible pad: 00, 09, and 02 after 03.
    for (const tail of [[0x00], [0x09], [0x03, 0x02]]) {
      const plain = new Uint8Array(16);
      plain.set(tail, 16 - tail.length);
      const ciphertext = opensslEnc(cipher.openssl, key, iv, plain, ['-nopad']);
      expect(errorCode(() => cipher.decrypt(key, iv, ciphertext))).toBe('decryption-failed');
    }
    const truncated = opensslEnc(cipher.openssl, key, iv, random(20)).subarray(0, 20);
    expect(errorCode(() => cipher.decrypt(key, iv, truncated))).toBe('decryption-failed');
  });
});
