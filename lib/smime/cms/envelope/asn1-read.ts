// Reading helpers over values parseAsn1 produced: shape checks that end in 'malformed-cms', and
// OCTET STRING contents whether DER (primitive) or BER (constructed chunks, as OpenSSL's
// streaming output writes them).
import * as asn1js from 'asn1js';

import { SmimeError } from '../../errors';
import { parseAsn1, parseAsn1InPlace } from '../../asn1/parse-der';
import { concatBytes } from '../../../bytes';

export function malformed(message: string, cause?: unknown): SmimeError {
  return new SmimeError('malformed-cms', message, cause === undefined ? undefined : { cause });
}

/**
 * parseAsn1, with bad ASN.1 reported as 'malformed-cms' ('limit-exceeded' passes through).
 * `inPlace`: parseAsn1InPlace, for a caller that keeps and hands out no view into the result.
 */
export function parseCms(bytes: Uint8Array, what: string, { inPlace = false } = {}): asn1js.AsnType {
  try {
    return inPlace ? parseAsn1InPlace(bytes, what) : parseAsn1(bytes, what);
  } catch (error) {
    if (error instanceof SmimeError && error.code === 'malformed-asn1') throw malformed(error.message, error);
    throw error;
  }
}

/** Runs a pkijs constructor over a schema, turning its untyped throws into 'malformed-cms'. */
export function readWith<T>(what: string, build: () => T): T {
  try {
    return build();
  } catch (error) {
    if (error instanceof SmimeError) throw error;
    throw malformed(`The ${what} is not the expected structure.`, error);
  }
}

export function isContext(value: asn1js.AsnType | undefined, tagNumber: number): boolean {
  return value !== undefined && value.idBlock.tagClass === 3 && value.idBlock.tagNumber === tagNumber;
}

export function isUniversal(value: asn1js.AsnType | undefined, tagNumber: number): boolean {
  return value !== undefined && value.idBlock.tagClass === 1 && value.idBlock.tagNumber === tagNumber;
}

/** The children of a constructed value (SEQUENCE, SET, or an explicit/implicit context tag). */
export function children(value: asn1js.AsnType | undefined, what: string): asn1js.AsnType[] {
  if (!value || !value.idBlock.isConstructed) throw malformed(`The ${what} is not a constructed value.`);
  return (value.valueBlock as unknown as { value: asn1js.AsnType[] }).value;
}

export function oidOf(value: asn1js.AsnType | undefined, what: string): string {
  if (!(value instanceof asn1js.ObjectIdentifier)) throw malformed(`The ${what} is not an object identifier.`);
  return value.valueBlock.toString();
}

/**
 * Contents of an OCTET STRING (or an implicitly tagged one), primitive or BER-constructed. A
 * primitive one is a view into parseAsn1's private copy of the input (no copy of a 25 MB
 * ciphertext): read it, never write to it.
 */
export function octets(value: asn1js.AsnType | undefined, what: string, depth = 0): Uint8Array {
  if (!value) throw malformed(`The ${what} is missing.`);
  if (!value.idBlock.isConstructed) return (value.valueBlock as unknown as { valueHexView: Uint8Array }).valueHexView;
  // BER segments nest in practice one level; a few more are harmless, unbounded ones are not.
  if (depth > 4) throw malformed(`The ${what} nests its segments too deeply.`);
  return concatBytes(
    ...children(value, what).map((piece) => {
      if (!isUniversal(piece, 4)) throw malformed(`The ${what} has a segment that is not an OCTET STRING.`);
      return octets(piece, what, depth + 1);
    }),
  );
}

/** The encoding the value was read from (asn1js keeps it), for DER that must be reused as-is. */
export function encodingOf(value: asn1js.AsnType): Uint8Array {
  return new Uint8Array(value.valueBeforeDecodeView);
}
