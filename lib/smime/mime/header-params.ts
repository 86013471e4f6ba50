// Structured header values with parameters: Content-Type (RFC 2045 section 5.1) and
// Content-Disposition (RFC 2183), with RFC 2231 continuations and charset-encoded values, and
// the reverse for the headers we write.
import { decoderFor } from './charset-text';
import { decodeEncodedWords } from './encoded-words';

const utf8 = new TextEncoder();

export interface ParameterizedValue {
  /** The value before the first ";", lower-cased and trimmed ("multipart/signed", "attachment"). */
  value: string;
  /** Parameter names lower-cased; RFC 2231 pieces joined and decoded. */
  params: Map<string, string>;
}

/** Splits at ";" outside quoted strings and comments, then reads each "name=value". */
export function parseParameterizedValue(header: string): ParameterizedValue {
  const segments = splitOutsideQuotes(header);
  const value = stripComments(segments[0] ?? '').trim().toLowerCase();
  const simple = new Map<string, string>();
  const pieces = new Map<string, { index: number; encoded: boolean; text: string }[]>();
  for (const segment of segments.slice(1)) {
    const eq = segment.indexOf('=');
    if (eq < 0) continue;
    const name = stripComments(segment.slice(0, eq)).trim().toLowerCase();
    const raw = unquote(segment.slice(eq + 1).trim());
    const continuation = /^(.+?)\*(\d+)(\*?)$/.exec(name);
    if (continuation) {
      const [, base, index, star] = continuation;
      const list = pieces.get(base!) ?? [];
      list.push({ index: Number(index), encoded: star === '*', text: raw });
      pieces.set(base!, list);
    } else if (name.endsWith('*')) {
      pieces.set(name.slice(0, -1), [{ index: 0, encoded: true, text: raw }]);
    } else if (name && !simple.has(name)) {
      simple.set(name, raw);
    }
  }
  const params = new Map<string, string>();
  for (const [name, text] of simple) params.set(name, text);
  // RFC 2231 values win over a plain value of the same name (senders put both for old readers).
  for (const [name, list] of pieces) {
    const joined = joinRfc2231(list);
    if (joined !== null) params.set(name, joined);
  }
  return { value, params };
}

function joinRfc2231(list: { index: number; encoded: boolean; text: string }[]): string | null {
  list.sort((a, b) => a.index - b.index);
  let charset = 'utf-8';
  const bytes: number[] = [];
  for (const [i, piece] of list.entries()) {
    let text = piece.text;
    if (piece.encoded && i === 0) {
      const match = /^([^']*)'[^']*'(.*)$/s.exec(text);
      if (match) {
        charset = match[1] || charset;
        text = match[2]!;
      }
    }
    for (let j = 0; j < text.length; j++) {
      const hex = text.slice(j + 1, j + 3);
      if (piece.encoded && text[j] === '%' && /^[0-9a-fA-F]{2}$/.test(hex)) {
        bytes.push(parseInt(hex, 16));
        j += 2;
      } else {
        for (const b of utf8.encode(text[j]!)) bytes.push(b);
      }
    }
  }
  const decoder = decoderFor(charset) ?? decoderFor('utf-8')!;
  return decoder.decode(new Uint8Array(bytes));
}

function splitOutsideQuotes(header: string): string[] {
  const out: string[] = [];
  let current = '';
  let quoted = false;
  let comment = 0;
  for (let i = 0; i < header.length; i++) {
    const c = header[i]!;
    if (quoted) {
      current += c;
      if (c === '\\' && i + 1 < header.length) current += header[++i];
      else if (c === '"') quoted = false;
    } else if (comment) {
      if (c === '\\') i++;
      else if (c === '(') comment++;
      else if (c === ')') comment--;
    } else if (c === '"') {
      quoted = true;
      current += c;
    } else if (c === '(') comment = 1;
    else if (c === ';') {
      out.push(current);
      current = '';
    } else current += c;
  }
  out.push(current);
  return out;
}

function stripComments(text: string): string {
  return text.replace(/\([^()]*\)/g, '');
}

/** A quoted-string's content with its backslash escapes removed; an unquoted token as is. */
function unquote(text: string): string {
  if (!text.startsWith('"')) return text.trim();
  let out = '';
  for (let i = 1; i < text.length; i++) {
    const c = text[i]!;
    if (c === '\\' && i + 1 < text.length) out += text[++i];
    else if (c === '"') break;
    else out += c;
  }
  return out;
}

/**
 * A file name from Content-Disposition filename or Content-Type name. Many senders put RFC 2047
 * words in the quoted value (against RFC 2047 section 5); readers decode them, so do we.
 */
export function parameterText(value: string | undefined): string | null {
  if (value === undefined) return null;
  return decodeEncodedWords(value);
}

const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

/**
 * One "; name=value" for a header we write: a token as is, printable ASCII quoted, anything else
 * as RFC 2231 percent-encoded UTF-8 (name*=utf-8''...).
 */
export function formatParameter(name: string, value: string): string {
  if (TOKEN.test(value)) return `;\r\n ${name}=${value}`;
  if (/^[\x20-\x7e]*$/.test(value)) return `;\r\n ${name}="${value.replace(/(["\\])/g, '\\$1')}"`;
  const encoded = Array.from(utf8.encode(value), (b) =>
    /[A-Za-z0-9!#$&+.^_`|~-]/.test(String.fromCharCode(b)) ? String.fromCharCode(b) : `%${b.toString(16).toUpperCase().padStart(2, '0')}`,
  ).join('');
  return `;\r\n ${name}*=utf-8''${encoded}`;
}
