import * as asn1js from 'asn1js';
import { describe, expect, it } from 'vitest';

import { toDer } from '../../asn1/parse-der';
import { LIMITS } from '../../limits';
import { OID } from '../../oids';
import { readEnvelope } from './read-envelope';

const oid = (value: string) => new asn1js.ObjectIdentifier({ value });
const context = (tagNumber: number, value: asn1js.AsnType[]) => new asn1js.Constructed({ idBlock: { tagClass: 3, tagNumber }, value });
const keyTrans = () =>
  new asn1js.Sequence({
    value: [
      new asn1js.Integer({ value: 2 }),
      new asn1js.Primitive({ idBlock: { tagClass: 3, tagNumber: 0 }, valueHex: new Uint8Array([1, 2, 3]).buffer }),
      new asn1js.Sequence({ value: [oid(OID.rsaEncryption), new asn1js.Null()] }),
      new asn1js.OctetString({ valueHex: new Uint8Array(256).buffer }),
    ],
  });
const encryptedContentInfo = () =>
  new asn1js.Sequence({
    value: [
      oid(OID.data),
      new asn1js.Sequence({ value: [oid(OID.aes128Cbc), new asn1js.OctetString({ valueHex: new Uint8Array(16).buffer })] }),
      new asn1js.Primitive({ idBlock: { tagClass: 3, tagNumber: 0 }, valueHex: new Uint8Array(32).buffer }),
    ],
  });
const envelope = (type: string, fields: asn1js.AsnType[]) => toDer(new asn1js.Sequence({ value: [oid(type), context(0, [new asn1js.Sequence({ value: fields })])] }));
const codeOf = (run: () => unknown) => {
  try {
    run();
    return 'no error';
  } catch (error) {
    return (error as { code?: string }).code;
  }
};

describe('readEnvelope', () => {
  it('reads EnvelopedData, and AuthEnvelopedData with its authAttrs as AAD under the SET tag', () => {
    const parts = readEnvelope(envelope(OID.envelopedData, [new asn1js.Integer({ value: 2 }), new asn1js.Set({ value: [keyTrans()] }), encryptedContentInfo()]));
    expect(parts).toMatchObject({ kind: 'enveloped', contentType: OID.data, encryptedContent: new Uint8Array(32) });
    expect(parts.recipientInfos).toHaveLength(1);

    const attribute = new asn1js.Sequence({ value: [oid(OID.contentType), new asn1js.Set({ value: [oid(OID.data)] })] });
    const auth = readEnvelope(
      envelope(OID.authEnvelopedData, [
        new asn1js.Integer({ value: 0 }),
        new asn1js.Set({ value: [keyTrans()] }),
        encryptedContentInfo(),
        context(1, [attribute]),
        new asn1js.OctetString({ valueHex: new Uint8Array(16).fill(9).buffer }),
      ]),
    );
    expect(auth.mac).toEqual(new Uint8Array(16).fill(9));
    expect(auth.additionalData).toEqual(toDer(new asn1js.Set({ value: [attribute] })));
  });

  it('refuses structures that break the rules, with malformed-cms', () => {
    const base = [new asn1js.Integer({ value: 0 }), new asn1js.Set({ value: [keyTrans()] }), encryptedContentInfo()];
    expect(codeOf(() => readEnvelope(envelope(OID.signedData, base)))).toBe('malformed-cms');
    expect(codeOf(() => readEnvelope(envelope(OID.envelopedData, [...base, new asn1js.Null()])))).toBe('malformed-cms');
    expect(codeOf(() => readEnvelope(envelope(OID.envelopedData, [base[0]!, new asn1js.Set(), base[2]!])))).toBe('malformed-cms');
    expect(codeOf(() => readEnvelope(envelope(OID.authEnvelopedData, base)))).toBe('malformed-cms'); // no mac
    expect(codeOf(() => readEnvelope(new Uint8Array([0x30, 0x03, 0x06, 0x01])))).toBe('malformed-cms');
  });

  it(`stops at ${LIMITS.recipientInfos} RecipientInfos`, () => {
    const many = Array.from({ length: LIMITS.recipientInfos + 1 }, keyTrans);
    expect(codeOf(() => readEnvelope(envelope(OID.envelopedData, [new asn1js.Integer({ value: 2 }), new asn1js.Set({ value: many }), encryptedContentInfo()])))).toBe('limit-exceeded');
  });
});
