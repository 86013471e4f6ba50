// BER-TLV data objects as ISO/IEC 7816-4 (section 5.2) and SP 800-73-4 use them: tags of up to
// three bytes (5FC105), definite lengths of up to four bytes after 81..84. Everything read comes
// from the card, so reading is bounded: values must fit what is left, nesting depth and object
// count are capped, and anything malformed is a TokenError, never a wrong value.
import { concatBytes } from '../../bytes';
import { TokenError } from '../errors';

export interface Tlv {
  /** The tag bytes as one number: 0x53, 0x5fc105. */
  tag: number;
  value: Uint8Array;
  /** Nesting level this object was read at (0 = the outermost); children() goes one deeper. */
  depth: number;
}

export const TLV_LIMITS = {
  /** PIV nests at most four levels (53 > 70, 7C > 82, 7E > 5F2F); allow some room. */
  depth: 8,
  /** Objects at one level; a Key History or certificate object holds a handful. */
  objectsPerLevel: 64,
} as const;

const malformed = (why: string) => new TokenError('card-error', `The card sent malformed BER-TLV data: ${why}.`);

/** The objects one after another in `bytes` (one level; use children() to go deeper). */
export function readTlvs(bytes: Uint8Array, depth = 0): Tlv[] {
  if (depth > TLV_LIMITS.depth) throw new TokenError('limit-exceeded', `BER-TLV nested deeper than ${TLV_LIMITS.depth} levels.`);
  const out: Tlv[] = [];
  let i = 0;
  while (i < bytes.length) {
    // 00 and FF before, between and after objects are padding (ISO/IEC 7816-4 section 5.2).
    if (bytes[i] === 0x00 || bytes[i] === 0xff) {
      i++;
      continue;
    }
    if (out.length === TLV_LIMITS.objectsPerLevel) throw new TokenError('limit-exceeded', `More than ${TLV_LIMITS.objectsPerLevel} BER-TLV objects at one level.`);
    const tag = readTag(bytes, i);
    i = tag.end;
    const length = readLength(bytes, i);
    i = length.end;
    if (length.value > bytes.length - i) throw malformed(`a length of ${length.value} with ${bytes.length - i} bytes left`);
    out.push({ tag: tag.value, value: bytes.subarray(i, i + length.value), depth });
    i += length.value;
  }
  return out;
}

/** The objects inside a template (7C, 53, 7E, ...). */
export const children = (tlv: Tlv): Tlv[] => readTlvs(tlv.value, tlv.depth + 1);

export const findTlv = (tlvs: Tlv[], tag: number): Tlv | undefined => tlvs.find((t) => t.tag === tag);

/** The object with `tag`, or a card-error naming `what` was expected. */
export function requireTlv(tlvs: Tlv[], tag: number, what: string): Tlv {
  const found = findTlv(tlvs, tag);
  if (!found) throw new TokenError('card-error', `The card's answer lacks ${what} (tag ${tag.toString(16).toUpperCase()}).`);
  return found;
}

function readTag(bytes: Uint8Array, start: number): { value: number; end: number } {
  let value = bytes[start]!;
  let i = start + 1;
  // Low five bits all set: the tag number continues in bytes with bit 8 set on all but the last.
  if ((value & 0x1f) === 0x1f) {
    for (;;) {
      if (i >= bytes.length) throw malformed('a tag runs past the end');
      if (i - start === 3) throw malformed('a tag longer than three bytes');
      const b = bytes[i++]!;
      value = (value << 8) | b;
      if ((b & 0x80) === 0) break;
    }
  }
  return { value, end: i };
}

function readLength(bytes: Uint8Array, start: number): { value: number; end: number } {
  if (start >= bytes.length) throw malformed('a length is missing');
  const first = bytes[start]!;
  if (first < 0x80) return { value: first, end: start + 1 };
  const count = first & 0x7f;
  // 80 (indefinite) has no place in 7816 BER-TLV; more than four length bytes cannot be meant.
  if (count === 0 || count > 4) throw malformed(`length byte ${first.toString(16)}`);
  if (start + 1 + count > bytes.length) throw malformed('a length runs past the end');
  let value = 0;
  for (let i = 1; i <= count; i++) value = value * 256 + bytes[start + i]!;
  return { value, end: start + 1 + count };
}

/** The tag bytes of a tag number as readTlvs() gives it. */
export function encodeTag(tag: number): Uint8Array {
  if (!Number.isInteger(tag) || tag < 0 || tag > 0xffffff) throw new TokenError('invalid-argument', `BER-TLV tag ${tag} is out of range.`);
  const out: number[] = [];
  for (let t = tag; t > 0 || out.length === 0; t = Math.floor(t / 256)) out.unshift(t & 0xff);
  return new Uint8Array(out);
}

/** The shortest definite length: 0..7F, 81 XX, 82 XX XX, 83 XX XX XX. */
export function encodeLength(length: number): Uint8Array {
  if (!Number.isInteger(length) || length < 0 || length > 0xffffff) throw new TokenError('invalid-argument', `BER-TLV length ${length} is out of range.`);
  if (length < 0x80) return new Uint8Array([length]);
  if (length < 0x100) return new Uint8Array([0x81, length]);
  if (length < 0x10000) return new Uint8Array([0x82, length >> 8, length & 0xff]);
  return new Uint8Array([0x83, length >> 16, (length >> 8) & 0xff, length & 0xff]);
}

export function encodeTlv(tag: number, value: Uint8Array): Uint8Array {
  return concatBytes(encodeTag(tag), encodeLength(value.length), value);
}

