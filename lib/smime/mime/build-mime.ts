// Pieces for writing MIME: header lines (RFC 2047 for non-ASCII text), boundaries that occur in
// no part, base64 in lines of 76 and quoted-printable (RFC 2045 sections 6.7, 6.8), all CRLF.
import { base64Bytes } from '../../mail/base64-bytes';
import { webCrypto } from '../web-crypto';
import { encodeHeaderText } from './encoded-words';
import { concatBytes } from '../../bytes';

export const CRLF = '\r\n';
const encoder = new TextEncoder();

export function ascii(text: string): Uint8Array {
  return encoder.encode(text);
}

/** "Name: value" for unstructured text (Subject, Content-Description); non-ASCII becomes encoded words. */
export function unstructuredField(name: string, text: string): string {
  return `${name}: ${encodeHeaderText(text)}`;
}

/** Base64 in CRLF-ended lines of 76 characters. */
export function base64Body(bytes: Uint8Array): Uint8Array {
  return base64Bytes(bytes, 76);
}

export function containsBytes(haystack: Uint8Array, needle: Uint8Array): boolean {
  if (needle.length === 0) return true;
  for (let i = haystack.indexOf(needle[0]!); i >= 0 && i + needle.length <= haystack.length; i = haystack.indexOf(needle[0]!, i + 1)) {
    let j = 1;
    while (j < needle.length && haystack[i + j] === needle[j]) j++;
    if (j === needle.length) return true;
  }
  return false;
}

/** A random boundary that occurs in none of `contents` ("=_" cannot occur in base64 or quoted-printable text). */
export function newBoundary(contents: Uint8Array[]): string {
  for (;;) {
    const random = Array.from(webCrypto().getRandomValues(new Uint8Array(12)), (b) => b.toString(16).padStart(2, '0')).join('');
    const boundary = `=_sealpost_smime_${random}`;
    const needle = ascii(`--${boundary}`);
    if (!contents.some((c) => containsBytes(c, needle))) return boundary;
  }
}

/** Concatenates byte chunks and strings (strings as UTF-8; callers pass ASCII). */
export function joinBytes(chunks: (Uint8Array | string)[]): Uint8Array {
  const parts = chunks.map((c) => (typeof c === 'string' ? ascii(c) : c));
  return concatBytes(...parts);
}

/**
 * Quoted-printable of text whose line ends are CRLF: the line ends stay hard breaks, lines are cut
 * with soft breaks to at most 76 characters, white space before a line end and a leading "From "
 * (which mbox stores rewrite, breaking signatures) are escaped.
 */
export function encodeQuotedPrintable(bytes: Uint8Array): Uint8Array {
  const out: number[] = [];
  let column = 0;
  const emit = (codes: number[]) => {
    if (column + codes.length > 75) {
      out.push(0x3d, 0x0d, 0x0a);
      column = 0;
    }
    out.push(...codes);
    column += codes.length;
  };
  const escape = (b: number) => [0x3d, ...ascii(b.toString(16).toUpperCase().padStart(2, '0'))];
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i]!;
    if (b === 0x0d && bytes[i + 1] === 0x0a) {
      out.push(0x0d, 0x0a);
      column = 0;
      i++;
      continue;
    }
    const atLineEnd = i + 1 === bytes.length || (bytes[i + 1] === 0x0d && bytes[i + 2] === 0x0a);
    const fromLine = column === 0 && b === 0x46 && bytes[i + 1] === 0x72 && bytes[i + 2] === 0x6f && bytes[i + 3] === 0x6d && bytes[i + 4] === 0x20;
    const literal = (b >= 0x21 && b <= 0x7e && b !== 0x3d) || ((b === 0x20 || b === 0x09) && !atLineEnd);
    emit(literal && !fromLine ? [b] : escape(b));
  }
  return new Uint8Array(out);
}
