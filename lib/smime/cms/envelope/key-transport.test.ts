import * as asn1js from 'asn1js';
import { describe, expect, it } from 'vitest';

import { OID } from '../../oids';
import { readOaepParameters } from './key-transport';

const reparse = (value: asn1js.AsnType) => asn1js.fromBER(value.toBER()).result;
const explicit = (tagNumber: number, value: asn1js.AsnType) => new asn1js.Constructed({ idBlock: { tagClass: 3, tagNumber }, value: [value] });
const algorithm = (oid: string, params?: asn1js.AsnType) => new asn1js.Sequence({ value: [new asn1js.ObjectIdentifier({ value: oid }), ...(params ? [params] : [])] });

describe('RSAES-OAEP-params (RFC 4055 section 4.1)', () => {
  it('reads the SHA-1 defaults from absent parameters, NULL and the empty sequence', () => {
    expect(readOaepParameters(undefined)).toEqual({ hash: 'SHA-1' });
    expect(readOaepParameters(reparse(new asn1js.Null()))).toEqual({ hash: 'SHA-1' });
    expect(readOaepParameters(reparse(new asn1js.Sequence()))).toEqual({ hash: 'SHA-1' });
  });

  it('reads explicit SHA-256 with MGF1-SHA-256 (hash parameters NULL or absent) and a label', () => {
    const params = new asn1js.Sequence({
      value: [
        explicit(0, algorithm(OID.sha256, new asn1js.Null())),
        explicit(1, algorithm(OID.mgf1, algorithm(OID.sha256))),
        explicit(2, algorithm(OID.pSpecified, new asn1js.OctetString({ valueHex: new Uint8Array([7, 7]).buffer }))),
      ],
    });
    expect(readOaepParameters(reparse(params))).toEqual({ hash: 'SHA-256', label: new Uint8Array([7, 7]) });
  });

  it('refuses a label hash that differs from the MGF1 hash, and fields out of order', () => {
    const mixed = new asn1js.Sequence({ value: [explicit(0, algorithm(OID.sha256)), explicit(1, algorithm(OID.mgf1, algorithm(OID.sha1)))] });
    expect(() => readOaepParameters(reparse(mixed))).toThrow(expect.objectContaining({ code: 'unsupported-algorithm' }));
    const swapped = new asn1js.Sequence({ value: [explicit(1, algorithm(OID.mgf1, algorithm(OID.sha256))), explicit(0, algorithm(OID.sha256))] });
    expect(() => readOaepParameters(reparse(swapped))).toThrow(expect.objectContaining({ code: 'malformed-cms' }));
  });
});
