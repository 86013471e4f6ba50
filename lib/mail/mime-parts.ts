// MIME entities for the message builder (RFC 2045, 2046, 2183, 2231): multiparts with random
// boundaries, base64 attachments in lines of 76, and message/rfc822 parts that carry a
// forwarded message's exact bytes.
import { base64Bytes } from './base64-bytes';
import { concatBytes } from '../bytes';

const CRLF = '\r\n';
const utf8 = new TextEncoder();

export interface MimeEntity {
  /** Content-* header lines, without line ends. */
  headers: string[];
  body: Uint8Array;
  /** The body holds 8-bit bytes (so every enclosing multipart is declared 8bit, RFC 2045 §6.4). */
  eightBit: boolean;
}

export function serializeEntity(e: MimeEntity): Uint8Array {
  return concatBytes(...[utf8.encode(`${e.headers.join(CRLF)}${CRLF}${CRLF}`), e.body]);
}


function randomHex(bytes: number): string {
  return Array.from(crypto.getRandomValues(new Uint8Array(bytes)), (b) => b.toString(16).padStart(2, '0')).join('');
}

function contains(haystack: Uint8Array, needle: string): boolean {
  const n = utf8.encode(needle);
  outer: for (let i = haystack.indexOf(n[0]!); i >= 0 && i + n.length <= haystack.length; i = haystack.indexOf(n[0]!, i + 1)) {
    for (let j = 1; j < n.length; j++) if (haystack[i + j] !== n[j]) continue outer;
    return true;
  }
  return false;
}

/**
 * A multipart entity. "=_" cannot occur in quoted-printable or base64 text; a forwarded
 * message's raw bytes could hold anything, so the boundary is checked against every part.
 */
export function multipart(subtype: 'mixed' | 'alternative', parts: MimeEntity[]): MimeEntity {
  const bodies = parts.map(serializeEntity);
  let boundary = `=_sealpost_${randomHex(12)}`;
  while (bodies.some((b) => contains(b, boundary))) boundary = `=_sealpost_${randomHex(12)}`;
  const chunks: Uint8Array[] = [utf8.encode(`This is a multi-part message in MIME format.${CRLF}`)];
  for (const b of bodies) chunks.push(utf8.encode(`--${boundary}${CRLF}`), b, utf8.encode(CRLF));
  chunks.push(utf8.encode(`--${boundary}--${CRLF}`));
  const eightBit = parts.some((p) => p.eightBit);
  return {
    headers: [`Content-Type: multipart/${subtype};${CRLF} boundary="${boundary}"`, ...(eightBit ? ['Content-Transfer-Encoding: 8bit'] : [])],
    body: concatBytes(...chunks),
    eightBit,
  };
}

const SIMPLE_NAME = /^[\x20-\x7e]{1,60}$/;

/**
 * Content-Type name and Content-Disposition filename. Short ASCII names are quoted; others use
 * RFC 2231 percent-encoded UTF-8, split into continuations so no header line grows past 78.
 */
function fileParams(filename: string): { typeParam: string; disposition: string } {
  const name = filename.replace(/[\r\n]+/g, ' ');
  if (SIMPLE_NAME.test(name) && !/["\\]/.test(name)) {
    return { typeParam: `;${CRLF} name="${name}"`, disposition: `attachment;${CRLF} filename="${name}"` };
  }
  const pct = Array.from(utf8.encode(name), (b) =>
    /[A-Za-z0-9!#$&+.^_`|~-]/.test(String.fromCharCode(b)) ? String.fromCharCode(b) : `%${b.toString(16).toUpperCase().padStart(2, '0')}`,
  ).join('');
  const pieces: string[] = [];
  // Cut between escapes only; 50 characters per line with its parameter name stays under 78.
  for (let i = 0; i < pct.length; ) {
    let end = Math.min(i + 50, pct.length);
    if (pct[end - 1] === '%') end -= 1;
    else if (pct[end - 2] === '%') end -= 2;
    pieces.push(pct.slice(i, end));
    i = end;
  }
  const params = pieces.map((p, i) => `filename*${i}*=${i === 0 ? "utf-8''" : ''}${p}`).join(`;${CRLF} `);
  return { typeParam: '', disposition: `attachment;${CRLF} ${params}` };
}

const MIME_TYPE = /^[a-z0-9][a-z0-9!#$&^_.+-]*\/[a-z0-9][a-z0-9!#$&^_.+-]*$/i;

/**
 * How a message/rfc822 part's bytes can travel unchanged: 7bit or 8bit when they are valid
 * lines (CRLF only, at most 998 octets, no NUL; RFC 5322 §2.1.1), else base64. RFC 2046 §5.2.1
 * allows only the first two; base64 is the fallback that keeps the bytes exact, and parsers
 * (postal-mime, Thunderbird, Outlook) decode it.
 */
export function rfc822Encoding(raw: Uint8Array): '7bit' | '8bit' | 'base64' {
  let eightBit = false;
  let lineLength = 0;
  for (let i = 0; i < raw.length; i++) {
    const b = raw[i]!;
    if (b === 0) return 'base64';
    if (b === 0x0d) {
      if (raw[i + 1] !== 0x0a) return 'base64';
      continue;
    }
    if (b === 0x0a) {
      if (raw[i - 1] !== 0x0d) return 'base64';
      lineLength = 0;
      continue;
    }
    if (++lineLength > 998) return 'base64';
    if (b >= 0x80) eightBit = true;
  }
  if (raw.length && raw[raw.length - 1] !== 0x0a) return 'base64';
  return eightBit ? '8bit' : '7bit';
}

export function attachmentEntity(a: { filename: string; mimeType: string; content: Uint8Array }): MimeEntity {
  const type = MIME_TYPE.test(a.mimeType) ? a.mimeType.toLowerCase() : 'application/octet-stream';
  const { typeParam, disposition } = fileParams(a.filename || 'attachment');
  if (type === 'message/rfc822') {
    const encoding = rfc822Encoding(a.content);
    if (encoding !== 'base64') {
      // The part's body ends with the message's own last CRLF; the CRLF before the next
      // boundary belongs to the boundary (RFC 2046 §5.1.1), so the bytes come back exactly.
      return {
        headers: [`Content-Type: message/rfc822${typeParam}`, `Content-Transfer-Encoding: ${encoding}`, `Content-Disposition: ${disposition}`],
        body: a.content,
        eightBit: encoding === '8bit',
      };
    }
  }
  return {
    headers: [`Content-Type: ${type}${typeParam}`, 'Content-Transfer-Encoding: base64', `Content-Disposition: ${disposition}`],
    body: base64Bytes(a.content, 76),
    eightBit: false,
  };
}
