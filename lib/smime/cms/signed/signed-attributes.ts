// The signed attributes of a SignerInfo: read with our policy (RFC 5652 5.3 and 11, RFC 8551
// 2.5): an attribute that may appear once must appear once, with exactly one value; pkijs would
// silently take the first. Written as a DER SET OF, sorted (X.690 11.6), because the signature is
// over that encoding and verifiers re-encode it.
import * as asn1js from 'asn1js';
import type * as pkijs from 'pkijs';

import { toDer } from '../../asn1/parse-der';
import { compareBytes } from '../../../bytes';

/** Each attribute type with the value sets of its occurrences (normally one occurrence). */
export type AttributesByType = Map<string, asn1js.AsnType[][]>;

export function attributesByType(attributes: pkijs.Attribute[]): AttributesByType {
  const byType: AttributesByType = new Map();
  for (const attribute of attributes) {
    const occurrences = byType.get(attribute.type) ?? [];
    occurrences.push(attribute.values);
    byType.set(attribute.type, occurrences);
  }
  return byType;
}

/**
 * The single value of the attribute `type`, or null when it is absent (and not `required`).
 * Pushes a plain reason for a missing, repeated or multi-valued attribute.
 */
export function singleValue(byType: AttributesByType, type: string, label: string, required: boolean, reasons: string[]): asn1js.AsnType | null {
  const occurrences = byType.get(type) ?? [];
  if (occurrences.length === 0) {
    if (required) reasons.push(`The signature has no ${label} attribute.`);
    return null;
  }
  if (occurrences.length > 1) {
    reasons.push(`The signature has more than one ${label} attribute.`);
    return null;
  }
  const values = occurrences[0]!;
  if (values.length !== 1) {
    reasons.push(`The ${label} attribute has ${values.length === 0 ? 'no value' : 'more than one value'}.`);
    return null;
  }
  return values[0]!;
}

/**
 * The bytes a signature covers: the SET OF as received, with the [0] IMPLICIT tag changed back to
 * SET (RFC 5652 5.4). Never re-encoded: re-encoding would hide, or add, differences.
 */
export function signedAttributesDer(signedAttrs: pkijs.SignedAndUnsignedAttributes): Uint8Array {
  const der = new Uint8Array(signedAttrs.encodedValue.slice(0));
  der[0] = 0x31;
  return der;
}

export function attribute(type: string, value: asn1js.AsnType): asn1js.Sequence {
  return new asn1js.Sequence({ value: [new asn1js.ObjectIdentifier({ value: type }), new asn1js.Set({ value: [value] })] });
}

/** The attributes in DER order: as a SET (what is signed) and as the SignerInfo's [0] IMPLICIT field. */
export function encodeSignedAttributes(attributes: asn1js.Sequence[]): { setDer: Uint8Array; field: asn1js.Constructed } {
  const sorted = attributes.map((a) => ({ a, der: toDer(a) })).sort((x, y) => compareBytes(x.der, y.der)).map(({ a }) => a);
  const field = new asn1js.Constructed({ idBlock: { tagClass: 3, tagNumber: 0 }, value: sorted });
  return { setDer: toDer(new asn1js.Set({ value: sorted })), field };
}
