// A byte-exact MIME parser (RFC 2045, 2046): every entity records the offsets of its bytes, its
// header block and its body in the source, so a multipart/signed's first part is verified over
// exactly the bytes between its delimiters. The line end before a delimiter belongs to the
// delimiter (RFC 2046 section 5.1.1). LF-only messages parse the same way. Bounded by
// LIMITS.mimeParts, LIMITS.mimeDepth and LIMITS.mimeHeaderBytes.
import { SmimeError } from '../errors';
import { LIMITS } from '../limits';
import { type HeaderField, parseHeaderFields } from './header-fields';
import { type ParameterizedValue, parseParameterizedValue } from './header-params';

export interface MimePart {
  /** The buffer every offset points into (the message, or a decrypted layer's content). */
  source: Uint8Array;
  /** The entity: header block, blank line and body. */
  start: number;
  end: number;
  /** End of the header block (its last line end included, the blank line not). */
  headerEnd: number;
  bodyStart: number;
  headers: HeaderField[];
  /** Media type lower-cased in `value`; the RFC 2045 default (text/plain; charset=us-ascii) when absent. */
  contentType: ParameterizedValue;
  /** "" for the root, else "1", "1.2", ... (IMAP style part numbers). */
  partPath: string;
  /** The parts of a multipart; empty for leaves (message/rfc822 included: it is not opened). */
  children: MimePart[];
}

const LF = 0x0a;
const CR = 0x0d;

/** Parses `source` as one MIME entity. Throws SmimeError 'malformed-mime' or 'limit-exceeded'. */
export function parseMime(source: Uint8Array): MimePart {
  const budget = { parts: 0 };
  return parseEntity(source, 0, source.length, '', 0, budget, 'text/plain');
}

function parseEntity(
  source: Uint8Array,
  start: number,
  end: number,
  partPath: string,
  depth: number,
  budget: { parts: number },
  defaultType: string,
): MimePart {
  if (++budget.parts > LIMITS.mimeParts) {
    throw new SmimeError('limit-exceeded', `The message has more than ${LIMITS.mimeParts} MIME parts.`);
  }
  const { headerEnd, bodyStart } = findHeaderBlock(source, start, end);
  const headers = parseHeaderFields(source, start, headerEnd);
  const typeField = headers.find((h) => h.key === 'content-type');
  let contentType = typeField ? parseParameterizedValue(typeField.value) : null;
  if (!contentType || !/^[^/\s]+\/[^/\s]+$/.test(contentType.value)) {
    contentType = { value: defaultType, params: new Map(defaultType === 'text/plain' ? [['charset', 'us-ascii']] : []) };
  }
  const part: MimePart = { source, start, end, headerEnd, bodyStart, headers, contentType, partPath, children: [] };
  if (contentType.value.startsWith('multipart/')) {
    if (depth >= LIMITS.mimeDepth) {
      throw new SmimeError('limit-exceeded', `The message nests multiparts deeper than ${LIMITS.mimeDepth} levels.`);
    }
    const boundary = contentType.params.get('boundary');
    if (!boundary || boundary.length > 200) {
      throw new SmimeError('malformed-mime', `A ${contentType.value} part has no usable boundary parameter.`);
    }
    const childDefault = contentType.value === 'multipart/digest' ? 'message/rfc822' : 'text/plain';
    const ranges = splitMultipart(source, bodyStart, end, boundary, budget);
    part.children = ranges.map(([childStart, childEnd], i) =>
      parseEntity(source, childStart, childEnd, partPath ? `${partPath}.${i + 1}` : `${i + 1}`, depth + 1, budget, childDefault),
    );
  }
  return part;
}

/** The header block ends at the first empty line; an entity that starts with one has no headers. */
function findHeaderBlock(source: Uint8Array, start: number, end: number): { headerEnd: number; bodyStart: number } {
  let pos = start;
  while (pos < end) {
    if (source[pos] === LF) return { headerEnd: pos, bodyStart: pos + 1 };
    if (source[pos] === CR && source[pos + 1] === LF && pos + 1 < end) return { headerEnd: pos, bodyStart: pos + 2 };
    const newline = source.indexOf(LF, pos);
    if (newline < 0 || newline >= end) break;
    pos = newline + 1;
    if (pos - start > LIMITS.mimeHeaderBytes) {
      throw new SmimeError('limit-exceeded', `A MIME header block is larger than ${LIMITS.mimeHeaderBytes} bytes.`);
    }
  }
  if (end - start > LIMITS.mimeHeaderBytes) {
    throw new SmimeError('limit-exceeded', `A MIME header block is larger than ${LIMITS.mimeHeaderBytes} bytes.`);
  }
  return { headerEnd: end, bodyStart: end };
}

/**
 * The [start, end) of each body part between "--boundary" lines. A part ends before the line end
 * that precedes the next delimiter line; the last part ends at the close delimiter, or at the end
 * of the body when the close delimiter is missing (a truncated message).
 */
function splitMultipart(source: Uint8Array, start: number, end: number, boundary: string, budget: { parts: number }): [number, number][] {
  const dashBoundary = new TextEncoder().encode(`--${boundary}`);
  const ranges: [number, number][] = [];
  let partStart = -1;
  let pos = start;
  while (pos < end) {
    const newline = source.indexOf(LF, pos);
    const lineEnd = newline < 0 || newline >= end ? end : newline;
    const kind = delimiterKind(source, pos, lineEnd, dashBoundary);
    if (kind) {
      if (partStart >= 0) ranges.push([partStart, Math.max(partStart, lineEndBefore(source, pos, partStart))]);
      if (kind === 'close') return ranges;
      if (budget.parts + ranges.length > LIMITS.mimeParts) {
        throw new SmimeError('limit-exceeded', `The message has more than ${LIMITS.mimeParts} MIME parts.`);
      }
      partStart = Math.min(lineEnd + 1, end);
    }
    pos = lineEnd + 1;
  }
  if (partStart < 0) throw new SmimeError('malformed-mime', 'A multipart has no part: its boundary never occurs in the body.');
  ranges.push([partStart, end]);
  return ranges;
}

/** Where the line end before the delimiter line at `lineStart` begins (it belongs to the delimiter). */
function lineEndBefore(source: Uint8Array, lineStart: number, floor: number): number {
  let at = lineStart;
  if (at > floor && source[at - 1] === LF) at--;
  if (at > floor && source[at - 1] === CR) at--;
  return at;
}

function delimiterKind(source: Uint8Array, pos: number, lineEnd: number, dashBoundary: Uint8Array): 'open' | 'close' | null {
  if (lineEnd - pos < dashBoundary.length) return null;
  for (let i = 0; i < dashBoundary.length; i++) if (source[pos + i] !== dashBoundary[i]) return null;
  let at = pos + dashBoundary.length;
  const close = source[at] === 0x2d && source[at + 1] === 0x2d && at + 1 < lineEnd;
  if (close) at += 2;
  // Only transport padding (white space) may follow the boundary (RFC 2046 section 5.1.1).
  for (; at < lineEnd; at++) {
    const c = source[at];
    if (c !== 0x20 && c !== 0x09 && c !== CR) return null;
  }
  return close ? 'close' : 'open';
}

/** The first field named `name` (case-insensitive), unfolded; null when absent. */
export function headerValue(part: MimePart, name: string): string | null {
  const key = name.toLowerCase();
  return part.headers.find((h) => h.key === key)?.value ?? null;
}

/** Every field named `name`, in order. */
export function headerValues(part: MimePart, name: string): string[] {
  const key = name.toLowerCase();
  return part.headers.filter((h) => h.key === key).map((h) => h.value);
}

/** The entity's exact bytes (a view into the source, not a copy). */
export function entityBytes(part: MimePart): Uint8Array {
  return part.source.subarray(part.start, part.end);
}

/** The body's exact bytes, still transfer-encoded. */
export function bodyBytes(part: MimePart): Uint8Array {
  return part.source.subarray(part.bodyStart, part.end);
}
