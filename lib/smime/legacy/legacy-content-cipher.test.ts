import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { describe, expect, it } from 'vitest';

import { isSmimeError } from '../errors';
import { OID } from '../oids';
import { legacyContentCipher } from './legacy-content-cipher';

const iv = new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8]);
const algorithm = (algorithmId: string, algorithmParams?: asn1js.AsnType) => new pkijs.AlgorithmIdentifier({ algorithmId, algorithmParams });
const rc2Params = (...items: asn1js.AsnType[]) => new asn1js.Sequence({ value: items });
const ivOctets = (bytes = iv) => new asn1js.OctetString({ valueHex: bytes });

const code = (run: () => unknown) => {
  try {
    run();
  } catch (error) {
    return isSmimeError(error) ? error.code : 'untyped';
  }
  return 'no error';
};

describe('legacyContentCipher', () => {
  it('names DES-EDE3-CBC and the three RC2 variants by their RFC 3370 parameters', () => {
    expect(legacyContentCipher(algorithm(OID.desEde3Cbc, ivOctets()))).toMatchObject({ name: 'des-ede3-cbc', keyLength: 24 });
    expect(legacyContentCipher(algorithm(OID.rc2Cbc, rc2Params(new asn1js.Integer({ value: 160 }), ivOctets())))).toMatchObject({ name: 'rc2-40', keyLength: 5 });
    expect(legacyContentCipher(algorithm(OID.rc2Cbc, rc2Params(new asn1js.Integer({ value: 120 }), ivOctets())))).toMatchObject({ name: 'rc2-64', keyLength: 8 });
    expect(legacyContentCipher(algorithm(OID.rc2Cbc, rc2Params(new asn1js.Integer({ value: 58 }), ivOctets())))).toMatchObject({ name: 'rc2-128', keyLength: 16 });
  });

  it('is null for modern ciphers', () => {
    expect(legacyContentCipher(algorithm(OID.aes256Cbc, ivOctets(new Uint8Array(16))))).toBeNull();
  });

  it('refuses malformed parameters as malformed-cms', () => {
    expect(code(() => legacyContentCipher(algorithm(OID.desEde3Cbc)))).toBe('malformed-cms');
    expect(code(() => legacyContentCipher(algorithm(OID.desEde3Cbc, ivOctets(new Uint8Array(16)))))).toBe('malformed-cms');
    expect(code(() => legacyContentCipher(algorithm(OID.desEde3Cbc, new asn1js.Null())))).toBe('malformed-cms');
    expect(code(() => legacyContentCipher(algorithm(OID.rc2Cbc)))).toBe('malformed-cms');
    expect(code(() => legacyContentCipher(algorithm(OID.rc2Cbc, rc2Params(new asn1js.Integer({ value: 58 }), ivOctets(new Uint8Array(7))))))).toBe('malformed-cms');
    expect(code(() => legacyContentCipher(algorithm(OID.rc2Cbc, rc2Params(ivOctets(), new asn1js.Integer({ value: 58 })))))).toBe('malformed-cms');
    expect(code(() => legacyContentCipher(algorithm(OID.rc2Cbc, rc2Params(new asn1js.Integer({ value: -1 }), ivOctets()))))).toBe('malformed-cms');
  });

  it('refuses RC2 effective key lengths other than 40, 64 and 128 bits as unsupported', () => {
    // No version: 32 bits per RFC 2268.
    expect(code(() => legacyContentCipher(algorithm(OID.rc2Cbc, ivOctets())))).toBe('unsupported-algorithm');
    expect(code(() => legacyContentCipher(algorithm(OID.rc2Cbc, rc2Params(ivOctets()))))).toBe('unsupported-algorithm');
    expect(code(() => legacyContentCipher(algorithm(OID.rc2Cbc, rc2Params(new asn1js.Integer({ value: 256 }), ivOctets()))))).toBe('unsupported-algorithm');
  });

  it('refuses a content key of the wrong length as a failed decryption', async () => {
    const cipher = legacyContentCipher(algorithm(OID.rc2Cbc, rc2Params(new asn1js.Integer({ value: 160 }), ivOctets())))!;
    await expect(cipher.decrypt(new Uint8Array(16), new Uint8Array(8))).rejects.toMatchObject({ code: 'decryption-failed' });
  });
});
