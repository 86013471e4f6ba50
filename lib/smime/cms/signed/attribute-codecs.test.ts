import * as asn1js from 'asn1js';
import { describe, expect, it } from 'vitest';

import { parseAsn1, toDer } from '../../asn1/parse-der';
import { SmimeError } from '../../errors';
import { OID } from '../../oids';
import { octetStringBytes } from './octet-string';
import { attributesByType, encodeSignedAttributes, attribute, singleValue } from './signed-attributes';
import { decodeSigningTime, encodeSigningTime } from './signing-time';
import { decodeSmimeCapabilities, encodeSmimeCapabilities } from './smime-capabilities';
import * as pkijs from 'pkijs';

const reparse = (value: asn1js.AsnType) => parseAsn1(toDer(value), 'test value');
const codeOf = (run: () => unknown) => {
  try {
    run();
  } catch (error) {
    return error instanceof SmimeError ? error.code : 'untyped';
  }
  return undefined;
};

describe('signingTime', () => {
  it('uses UTCTime for 1950-2049 and GeneralizedTime otherwise, without fractions', () => {
    const encoded = (iso: string) => String.fromCharCode(...toDer(encodeSigningTime(new Date(iso))));
    expect(encoded('2049-12-31T23:59:59.999Z')).toBe('\x17\x0d491231235959Z');
    expect(encoded('2050-01-01T00:00:00Z')).toBe('\x18\x0f20500101000000Z');
    expect(encoded('1949-12-31T23:59:59Z')).toBe('\x18\x0f19491231235959Z');
    expect(encoded('1950-01-01T00:00:00Z')).toBe('\x17\x0d500101000000Z');
  });

  it('reads back what it writes, on both sides of 2050', () => {
    for (const iso of ['1950-01-01T00:00:00.000Z', '2026-11-23T12:34:56.000Z', '2049-12-31T23:59:59.000Z', '2050-01-01T00:00:00.000Z', '2113-07-08T09:10:11.000Z']) {
      expect(decodeSigningTime(reparse(encodeSigningTime(new Date(iso)))).toISOString()).toBe(iso);
    }
  });

  it('refuses local times, missing seconds, fractions, impossible dates and other types', () => {
    const raw = (tag: number, text: string) => parseAsn1(new Uint8Array([tag, text.length, ...new TextEncoder().encode(text)]), 'time');
    for (const [tag, text] of [[0x18, '20261123123456.5Z'], [0x18, '20260230000000Z'], [0x18, '20261123123456'], [0x13, '261123123456Z']] as const) {
      expect(codeOf(() => decodeSigningTime(raw(tag, text)))).toBe('malformed-cms');
    }
    // asn1js itself already refuses a UTCTime without seconds or with an offset.
    expect(codeOf(() => raw(0x17, '2611231234Z'))).toBe('malformed-asn1');
    expect(codeOf(() => raw(0x17, '261123123456+0100'))).toBe('malformed-asn1');
  });
});

describe('SMIMECapabilities', () => {
  it('keeps order and parameters as DER', () => {
    const parameters = toDer(new asn1js.Integer({ value: 128 }));
    const capabilities = [{ oid: OID.aes256Gcm }, { oid: OID.rc2Cbc, parameters }, { oid: OID.aes128Cbc }];
    expect(decodeSmimeCapabilities(reparse(encodeSmimeCapabilities(capabilities)))).toEqual(capabilities);
  });

  it('refuses what is not a SEQUENCE OF SMIMECapability', () => {
    expect(codeOf(() => decodeSmimeCapabilities(new asn1js.Set()))).toBe('malformed-cms');
    expect(codeOf(() => decodeSmimeCapabilities(reparse(new asn1js.Sequence({ value: [new asn1js.Sequence({ value: [new asn1js.Integer({ value: 1 })] })] }))))).toBe('malformed-cms');
    expect(codeOf(() => encodeSmimeCapabilities([{ oid: OID.aes128Cbc, parameters: new Uint8Array([0x30, 0x05]) }]))).toBe('invalid-argument');
  });
});

describe('signed attribute sets', () => {
  it('writes the SET in DER order (by encoding, so shorter attributes first), identical in both tags', () => {
    const long = attribute(OID.messageDigest, new asn1js.OctetString({ valueHex: new Uint8Array(32).buffer }));
    const short = attribute(OID.contentType, new asn1js.ObjectIdentifier({ value: OID.data }));
    const { setDer, field } = encodeSignedAttributes([long, short]);
    expect(setDer[0]).toBe(0x31);
    const fieldDer = toDer(field);
    expect(fieldDer[0]).toBe(0xa0);
    expect(fieldDer.subarray(1)).toEqual(setDer.subarray(1));
    expect(setDer.subarray(2, 2 + toDer(short).length)).toEqual(toDer(short));
  });

  it('reports a missing required attribute, a repeated one and a multi-valued one', () => {
    const attrs = [
      new pkijs.Attribute({ type: OID.signingTime, values: [new asn1js.UTCTime({ valueDate: new Date() })] }),
      new pkijs.Attribute({ type: OID.signingTime, values: [new asn1js.UTCTime({ valueDate: new Date() })] }),
      new pkijs.Attribute({ type: OID.contentType, values: [new asn1js.ObjectIdentifier({ value: OID.data }), new asn1js.ObjectIdentifier({ value: OID.data })] }),
      new pkijs.Attribute({ type: OID.messageDigest, values: [] }),
    ];
    const byType = attributesByType(attrs);
    const reasons: string[] = [];
    expect(singleValue(byType, OID.signingTime, 'signing time', false, reasons)).toBeNull();
    expect(singleValue(byType, OID.contentType, 'content type', true, reasons)).toBeNull();
    expect(singleValue(byType, OID.messageDigest, 'message digest', true, reasons)).toBeNull();
    expect(singleValue(byType, OID.smimeCapabilities, 'S/MIME capabilities', false, reasons)).toBeNull();
    expect(singleValue(byType, OID.signingCertificateV2, 'signing certificate', true, reasons)).toBeNull();
    expect(reasons).toEqual([
      'The signature has more than one signing time attribute.',
      'The content type attribute has more than one value.',
      'The message digest attribute has no value.',
      'The signature has no signing certificate attribute.',
    ]);
  });
});

describe('OCTET STRING contents', () => {
  it('joins the pieces of a constructed (BER) OCTET STRING, nested too', () => {
    const piece = (text: string) => new asn1js.OctetString({ valueHex: new TextEncoder().encode(text).buffer });
    const inner = new asn1js.OctetString({ isConstructed: true, idBlock: { isConstructed: true }, value: [piece('b'), piece('c')] } as never);
    const outer = new asn1js.OctetString({ isConstructed: true, idBlock: { isConstructed: true }, value: [piece('a'), inner, piece('')] } as never);
    expect(new TextDecoder().decode(octetStringBytes(reparse(outer), 'content'))).toBe('abc');
    expect(codeOf(() => octetStringBytes(reparse(new asn1js.Integer({ value: 3 })), 'content'))).toBe('malformed-cms');
  });
});
