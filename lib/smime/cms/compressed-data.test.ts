import * as asn1js from 'asn1js';
import { describe, expect, it } from 'vitest';

import { compressedData, zlib } from '@/tests/attacks/support/compressed-data';

import { toDer } from '../asn1/parse-der';
import { LIMITS } from '../limits';
import { OID } from '../oids';
import { decompressData } from './compressed-data';

const codeOf = (promise: Promise<unknown>) => promise.then(() => 'no error', (error: { code?: string }) => error.code);

describe('decompressData', () => {
  it('inflates zlib content and reports its content type', async () => {
    const text = new TextEncoder().encode('Content-Type: text/plain\r\n\r\n' + 'compressible '.repeat(500));
    const result = await decompressData(compressedData(await zlib(text), OID.zlibCompress, OID.signedData));
    expect(result.content).toEqual(text);
    expect(result.contentType).toBe(OID.signedData);
  });

  it('stops a decompression bomb at the cap given', async () => {
    const bomb = compressedData(await zlib(new Uint8Array(4 * 1024 * 1024)));
    expect(bomb.length).toBeLessThan(10_000);
    expect(await codeOf(decompressData(bomb, 1024 * 1024))).toBe('limit-exceeded');
    expect((await decompressData(bomb, 4 * 1024 * 1024)).content.length).toBe(4 * 1024 * 1024);
  });

  it('stops at LIMITS.decompressedBytes by default', async () => {
    const bomb = compressedData(await zlib(new Uint8Array(LIMITS.decompressedBytes + 1)));
    expect(await codeOf(decompressData(bomb))).toBe('limit-exceeded');
  });

  it('refuses other algorithms, bad zlib data and other content types with coded errors', async () => {
    expect(await codeOf(decompressData(compressedData(await zlib(new Uint8Array(10)), '1.2.3.4')))).toBe('unsupported-algorithm');
    expect(await codeOf(decompressData(compressedData(new Uint8Array([1, 2, 3, 4, 5, 6]))))).toBe('malformed-cms');
    const truncated = await zlib(new TextEncoder().encode('some text that will be cut short'.repeat(10)));
    expect(await codeOf(decompressData(compressedData(truncated.subarray(0, truncated.length - 6))))).toBe('malformed-cms');
    const signed = toDer(new asn1js.Sequence({ value: [new asn1js.ObjectIdentifier({ value: OID.signedData }), new asn1js.Constructed({ idBlock: { tagClass: 3, tagNumber: 0 }, value: [new asn1js.Sequence()] })] }));
    expect(await codeOf(decompressData(signed))).toBe('malformed-cms');
    expect(await codeOf(decompressData(new Uint8Array([0x30, 0x80])))).toBe('malformed-cms');
  });
});
