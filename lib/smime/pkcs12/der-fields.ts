// Typed reads of asn1js values already parsed by asn1/parse-der.ts. Each read names what it
// expected, so a file that has the wrong shape fails with 'malformed-cms' and a useful sentence.
import * as asn1js from 'asn1js';

import { SmimeError } from '../errors';

export function malformed(what: string): SmimeError {
  return new SmimeError('malformed-cms', `The PKCS#12 file is not valid: bad ${what}.`);
}

/** The items of a SEQUENCE, between `min` and `max` of them. */
export function sequenceItems(node: asn1js.AsnType | undefined, what: string, min: number, max: number): asn1js.AsnType[] {
  if (!(node instanceof asn1js.Sequence)) throw malformed(what);
  const items = node.valueBlock.value;
  if (items.length < min || items.length > max) throw malformed(what);
  return items;
}

export function setItems(node: asn1js.AsnType | undefined, what: string): asn1js.AsnType[] {
  if (!(node instanceof asn1js.Set)) throw malformed(what);
  return node.valueBlock.value;
}

export function objectId(node: asn1js.AsnType | undefined, what: string): string {
  if (!(node instanceof asn1js.ObjectIdentifier)) throw malformed(what);
  return node.valueBlock.toString();
}

/** An OCTET STRING's bytes, joined when BER splits it into a constructed string. */
export function octetBytes(node: asn1js.AsnType | undefined, what: string): Uint8Array {
  if (!(node instanceof asn1js.OctetString)) throw malformed(what);
  if (node.valueBlock.isConstructed && !node.valueBlock.value.every((part) => part instanceof asn1js.OctetString && !part.valueBlock.isConstructed)) {
    throw malformed(what);
  }
  return new Uint8Array(node.getValue());
}

/** A non-negative INTEGER; Infinity when too large for a number, so callers' caps reject it. */
export function unsignedInteger(node: asn1js.AsnType | undefined, what: string): number {
  if (!(node instanceof asn1js.Integer)) throw malformed(what);
  const bytes = node.valueBlock.valueHexView;
  if (bytes.length === 0 || (bytes[0]! & 0x80) !== 0) throw malformed(what);
  if (bytes.length > 6) return Infinity;
  return bytes.reduce((value, byte) => value * 256 + byte, 0);
}

/** The value inside a context-specific [n] EXPLICIT wrapper. */
export function explicitContent(node: asn1js.AsnType | undefined, tag: number, what: string): asn1js.AsnType {
  if (!(node instanceof asn1js.Constructed) || node.idBlock.tagClass !== 3 || node.idBlock.tagNumber !== tag) throw malformed(what);
  const [inner, extra] = node.valueBlock.value;
  if (!inner || extra) throw malformed(what);
  return inner;
}

/** AlgorithmIdentifier ::= SEQUENCE { algorithm OBJECT IDENTIFIER, parameters ANY OPTIONAL } */
export interface Algorithm {
  oid: string;
  params: asn1js.AsnType | undefined;
}

export function algorithm(node: asn1js.AsnType | undefined, what: string): Algorithm {
  const [oid, params] = sequenceItems(node, what, 1, 2);
  return { oid: objectId(oid, what), params };
}

/** The encoding the value was read from (asn1js keeps it), e.g. a PKCS#8 key or a certificate. */
export function originalBytes(node: asn1js.AsnType): Uint8Array {
  return new Uint8Array(node.valueBeforeDecodeView);
}
