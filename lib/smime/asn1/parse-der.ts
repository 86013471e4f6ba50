// The one door through which untrusted ASN.1 enters the engine. asn1js parses recursively and
// without limits, so a cheap iterative walk first checks the nesting depth and that every length
// fits (BER indefinite lengths included: OpenSSL's streaming output and gpgsm use them). Then
// asn1js parses, and the whole input must be consumed.
import * as asn1js from 'asn1js';

import { SmimeError } from '../errors';
import { LIMITS } from '../limits';

/** Parses one BER/DER value that spans all of `bytes`; `what` names it in error messages. */
export function parseAsn1(bytes: Uint8Array, what: string, maxDepth: number = LIMITS.asn1Depth): asn1js.AsnType {
  // One private copy (asn1js keeps views into it), so values handed out stay as they were read.
  // Uint8Array's slice copies; a Node Buffer's own slice() would be a view into its shared pool.
  return parseOwn(bytes, Uint8Array.prototype.slice.call(bytes) as Uint8Array<ArrayBuffer>, what, maxDepth);
}

/**
 * parseAsn1 without the private copy, for a caller that keeps no value (nor a view into one) past
 * its own return and hands none out: reading an envelope, whose 25 MB would otherwise be held
 * twice. A SharedArrayBuffer view is still copied: another thread could change it between the
 * structure check and the parse.
 */
export function parseAsn1InPlace(bytes: Uint8Array, what: string, maxDepth: number = LIMITS.asn1Depth): asn1js.AsnType {
  const own = bytes.buffer instanceof ArrayBuffer ? (bytes as Uint8Array<ArrayBuffer>) : (Uint8Array.prototype.slice.call(bytes) as Uint8Array<ArrayBuffer>);
  return parseOwn(bytes, own, what, maxDepth);
}

function parseOwn(bytes: Uint8Array, own: Uint8Array<ArrayBuffer>, what: string, maxDepth: number): asn1js.AsnType {
  checkStructure(own, what, maxDepth);
  // asn1js's own defaults (16 MB per value, 10,000 nodes) refuse real 25 MB messages and BER
  // streamed in small chunks; checkStructure has already bounded depth and node count.
  let parsed: ReturnType<typeof asn1js.fromBER>;
  try {
    parsed = asn1js.fromBER(own, { copyInput: false, maxContentLength: own.byteLength, maxDepth: maxDepth + 1, maxNodes: LIMITS.asn1Nodes * 4 });
  } catch (error) {
    // asn1js throws plain errors on some malformed strings (a UniversalString of 3 bytes).
    throw new SmimeError('malformed-asn1', `The ${what} is not valid ASN.1 (${(error as Error).message}).`, { cause: error });
  }
  if (parsed.offset === -1 || parsed.result.error) {
    throw new SmimeError('malformed-asn1', `The ${what} is not valid ASN.1 (${parsed.result.error || 'parse error'}).`);
  }
  if (parsed.offset !== bytes.byteLength) {
    throw new SmimeError('malformed-asn1', `The ${what} has ${bytes.byteLength - parsed.offset} bytes after its end.`);
  }
  return parsed.result;
}

/**
 * Parses with `parseAsn1` (`inPlace`: `parseAsn1InPlace`), then reads the value into a pkijs class
 * (`new Class({ schema })`), turning pkijs's untyped throws into 'malformed-asn1'.
 */
export function parseAs<T>(bytes: Uint8Array, what: string, build: (schema: asn1js.AsnType) => T, { inPlace = false } = {}): T {
  const schema = inPlace ? parseAsn1InPlace(bytes, what) : parseAsn1(bytes, what);
  try {
    return build(schema);
  } catch (error) {
    throw new SmimeError('malformed-asn1', `The ${what} is not the expected structure: ${(error as Error).message}`, { cause: error });
  }
}

/** Iterative TLV walk: every length within its parent, depth at most `maxDepth`, one top value. */
export function checkStructure(bytes: Uint8Array, what: string, maxDepth: number): void {
  // Each frame: end offset of the enclosing value (or -1 for indefinite length, ended by 00 00).
  const ends: number[] = [bytes.length];
  let pos = 0;
  let topValues = 0;
  let nodes = 0;
  const bad = (why: string): never => {
    throw new SmimeError('malformed-asn1', `The ${what} is not valid ASN.1 (${why} at byte ${pos}).`);
  };
  while (true) {
    const end = ends[ends.length - 1]!;
    if (end === -1) {
      if (pos + 1 < bytes.length && bytes[pos] === 0 && bytes[pos + 1] === 0) {
        pos += 2;
        ends.pop();
        continue;
      }
      if (pos >= bytes.length) bad('unterminated indefinite length');
    } else if (pos === end) {
      if (ends.length === 1) break;
      ends.pop();
      continue;
    } else if (pos > end) {
      bad('value overruns its container');
    }
    if (ends.length === 1 && topValues++ > 0) bad('more than one top-level value');
    if (++nodes > LIMITS.asn1Nodes) throw new SmimeError('limit-exceeded', `The ${what} has more than ${LIMITS.asn1Nodes} ASN.1 values.`);
    // Tag
    const first = bytes[pos++];
    if (first === undefined) bad('truncated tag');
    const constructed = (first! & 0x20) !== 0;
    if ((first! & 0x1f) === 0x1f) {
      let count = 0;
      while (true) {
        const b = bytes[pos++];
        if (b === undefined || ++count > 4) bad('bad tag');
        if ((b! & 0x80) === 0) break;
      }
    }
    // Length
    const lengthByte = bytes[pos++];
    if (lengthByte === undefined) bad('truncated length');
    let length = -1;
    if (lengthByte! < 0x80) length = lengthByte!;
    else if (lengthByte === 0x80) {
      if (!constructed) bad('indefinite length on a primitive value');
    } else {
      const count = lengthByte! & 0x7f;
      if (count > 4) bad('length too long');
      length = 0;
      for (let i = 0; i < count; i++) {
        const b = bytes[pos++];
        if (b === undefined) bad('truncated length');
        length = length * 256 + b!;
      }
    }
    const containerEnd = ends[ends.length - 1]!;
    const limit = containerEnd === -1 ? bytes.length : containerEnd;
    if (length !== -1 && pos + length > limit) bad('length beyond the end');
    if (constructed) {
      if (ends.length > maxDepth) {
        throw new SmimeError('limit-exceeded', `The ${what} nests ASN.1 deeper than ${maxDepth} levels.`);
      }
      ends.push(length === -1 ? -1 : pos + length);
    } else {
      pos += length;
    }
  }
}

/** The DER bytes of an asn1js value, as a Uint8Array. */
export function toDer(value: { toBER(sizeOnly?: boolean): ArrayBuffer }): Uint8Array {
  return new Uint8Array(value.toBER(false));
}
