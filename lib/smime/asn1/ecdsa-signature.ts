// ECDSA signatures in two shapes: CMS and X.509 carry DER ECDSA-Sig-Value (SEQUENCE of r, s);
// WebCrypto speaks r||s with each half the curve's size (IEEE P1363).
import * as asn1js from 'asn1js';

import { SmimeError } from '../errors';
import { parseAsn1, toDer } from './parse-der';

/** Curve size in bytes of each half of r||s. */
export const CURVE_BYTES = { 'P-256': 32, 'P-384': 48, 'P-521': 66 } as const;

export function ecdsaRawToDer(raw: Uint8Array): Uint8Array {
  const half = raw.length / 2;
  const integer = (bytes: Uint8Array) => {
    let start = 0;
    while (start < bytes.length - 1 && bytes[start] === 0) start++;
    const trimmed = bytes.subarray(start);
    // A leading 1 bit would read as negative: prefix a zero byte.
    const positive = trimmed[0]! & 0x80 ? new Uint8Array([0, ...trimmed]) : trimmed;
    return new asn1js.Integer({ valueHex: new Uint8Array(positive).buffer });
  };
  return toDer(new asn1js.Sequence({ value: [integer(raw.subarray(0, half)), integer(raw.subarray(half))] }));
}

export function ecdsaDerToRaw(der: Uint8Array, halfLength: number): Uint8Array {
  const value = parseAsn1(der, 'ECDSA signature');
  const parts = value instanceof asn1js.Sequence ? value.valueBlock.value : [];
  if (parts.length !== 2 || !parts.every((p) => p instanceof asn1js.Integer)) {
    throw new SmimeError('malformed-cms', 'The ECDSA signature is not a pair of integers.');
  }
  const out = new Uint8Array(halfLength * 2);
  parts.forEach((part, i) => {
    let bytes = new Uint8Array((part as asn1js.Integer).valueBlock.valueHexView);
    while (bytes.length > halfLength && bytes[0] === 0) bytes = bytes.subarray(1);
    if (bytes.length > halfLength) throw new SmimeError('malformed-cms', 'The ECDSA signature does not fit the curve.');
    out.set(bytes, (i + 1) * halfLength - bytes.length);
  });
  return out;
}
