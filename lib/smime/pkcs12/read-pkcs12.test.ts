import * as asn1js from 'asn1js';
import { describe, expect, it } from 'vitest';

import { toDer } from '../asn1/parse-der';
import { isSmimeError } from '../errors';
import { bmpPassword } from '../legacy/pkcs12-kdf';
import { OID } from '../oids';
import { writeMac } from './pkcs12-mac';
import { readPkcs12 } from './read-pkcs12';

// Hand-built PFX structures for the cases no exporter at hand makes. The OpenSSL and NSS files are
// in tests/integration/pkcs12-openssl.test.ts.
const explicit = (value: asn1js.AsnType) => new asn1js.Constructed({ idBlock: { tagClass: 3, tagNumber: 0 }, value: [value] });
const contentInfo = (type: string, content: asn1js.AsnType) => new asn1js.Sequence({ value: [new asn1js.ObjectIdentifier({ value: type }), explicit(content)] });
const emptyAuthSafe = toDer(new asn1js.Sequence({ value: [contentInfo(OID.data, new asn1js.OctetString({ valueHex: toDer(new asn1js.Sequence()) }))] }));

function pfx(options: { version?: number; type?: string; mac?: asn1js.Sequence } = {}): Uint8Array {
  return toDer(
    new asn1js.Sequence({
      value: [new asn1js.Integer({ value: options.version ?? 3 }), contentInfo(options.type ?? OID.data, new asn1js.OctetString({ valueHex: emptyAuthSafe })), ...(options.mac ? [options.mac] : [])],
    }),
  );
}

async function errorCode(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    return isSmimeError(error) ? error.code : 'untyped';
  }
  return 'no error';
}

describe('readPkcs12', () => {
  it('accepts an empty password whose MAC was made over no password bytes at all (Windows)', async () => {
    const file = pfx({ mac: writeMac(emptyAuthSafe, new Uint8Array(0), 2048, new Uint8Array(8)) });
    expect((await readPkcs12(file, '')).algorithms).toMatchObject({ mac: 'hmac-sha256', macIterations: 2048 });
    expect(await errorCode(readPkcs12(file, 'x'))).toBe('wrong-password');
  });

  it('accepts an empty password as an empty BMPString, and checks a real one', async () => {
    expect((await readPkcs12(pfx({ mac: writeMac(emptyAuthSafe, bmpPassword(''), 1, new Uint8Array(8)) }), '')).keys).toEqual([]);
    const file = pfx({ mac: writeMac(emptyAuthSafe, bmpPassword('pässword'), 1, new Uint8Array(8)) });
    expect((await readPkcs12(file, 'pässword')).certificates).toEqual([]);
    expect(await errorCode(readPkcs12(file, 'password'))).toBe('wrong-password');
    expect(await errorCode(readPkcs12(file, ''))).toBe('wrong-password');
  });

  it('refuses a MAC iteration count over the cap before computing anything', async () => {
    const mac = writeMac(emptyAuthSafe, bmpPassword('x'), 1, new Uint8Array(8));
    mac.valueBlock.value[2] = new asn1js.Integer({ value: 2_000_000 });
    const started = performance.now();
    expect(await errorCode(readPkcs12(pfx({ mac }), 'x'))).toBe('limit-exceeded');
    expect(performance.now() - started).toBeLessThan(500);
  });

  it('refuses other versions as malformed and public-key integrity as unsupported', async () => {
    expect(await errorCode(readPkcs12(pfx({ version: 2 }), ''))).toBe('malformed-cms');
    expect(await errorCode(readPkcs12(pfx({ type: OID.signedData }), ''))).toBe('unsupported-algorithm');
    expect(await errorCode(readPkcs12(new Uint8Array([0x30, 0x03, 0x02, 0x01]), ''))).toBe('malformed-asn1');
  });
});
