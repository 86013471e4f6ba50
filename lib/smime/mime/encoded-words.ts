// RFC 2047 encoded words: decoding for display (subjects, file names) and B-encoding of
// non-ASCII header text when we write headers.
import { concatBytes } from '../../bytes';
import { decodeBase64 } from '../../mail/transfer-decoding';
import { decoderFor } from './charset-text';

const WORD = /=\?([^?\s]+)\?([bBqQ])\?([^?\s]*)\?=/g;
const utf8 = new TextEncoder();

function wordBytes(encoding: string, text: string): Uint8Array {
  if (encoding === 'b' || encoding === 'B') return decodeBase64(utf8.encode(text));
  // Q encoding (section 4.2): "_" is a space, "=XX" a byte.
  const out: number[] = [];
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === '_') out.push(0x20);
    else if (c === '=' && /^[0-9a-fA-F]{2}$/.test(text.slice(i + 1, i + 3))) {
      out.push(parseInt(text.slice(i + 1, i + 3), 16));
      i += 2;
    } else out.push(c.charCodeAt(0) & 0xff);
  }
  return new Uint8Array(out);
}

type Piece = { text: string } | { charset: string; bytes: Uint8Array };

/**
 * Decodes every encoded word in `value`. White space between adjacent encoded words is dropped
 * (section 6.2), and adjacent words in one charset are joined before decoding, so a character
 * split across two words survives. Words in an unknown charset stay as written.
 */
export function decodeEncodedWords(value: string): string {
  const pieces: Piece[] = [];
  let last = 0;
  for (const match of value.matchAll(WORD)) {
    const [whole, charsetAndLanguage, encoding, text] = match;
    const between = value.slice(last, match.index);
    const previous = pieces[pieces.length - 1];
    if (!(previous && 'bytes' in previous && /^[ \t\r\n]*$/.test(between))) pieces.push({ text: between });
    last = match.index + whole.length;
    const charset = charsetAndLanguage!.split('*')[0]!.toLowerCase();
    if (decoderFor(charset)) pieces.push({ charset, bytes: wordBytes(encoding!, text!) });
    else pieces.push({ text: whole });
  }
  pieces.push({ text: value.slice(last) });
  let out = '';
  for (let i = 0; i < pieces.length; i++) {
    const piece = pieces[i]!;
    if ('text' in piece) {
      out += piece.text;
      continue;
    }
    const run = [piece.bytes];
    for (let next = pieces[i + 1]; next && 'bytes' in next && next.charset === piece.charset; next = pieces[i + 1]) {
      run.push(next.bytes);
      i++;
    }
    out += decoderFor(piece.charset)!.decode(concatBytes(...run));
  }
  return out;
}

const PRINTABLE_ASCII = /^[\x20-\x7e]*$/;
/** UTF-8 bytes per encoded word: 45 bytes make 60 base64 characters, under 75 with the wrapper. */
const WORD_BYTES = 45;

/**
 * `text` as header text: unchanged when printable ASCII, else RFC 2047 B-encoded UTF-8 words
 * (never splitting a character), folded onto continuation lines.
 */
export function encodeHeaderText(text: string): string {
  const clean = text.replace(/[\r\n]+/g, ' ');
  if (PRINTABLE_ASCII.test(clean)) return clean;
  const words: string[] = [];
  let chunk: number[] = [];
  for (const character of clean) {
    const bytes = utf8.encode(character);
    if (chunk.length + bytes.length > WORD_BYTES) {
      words.push(bWord(chunk));
      chunk = [];
    }
    chunk.push(...bytes);
  }
  if (chunk.length) words.push(bWord(chunk));
  return words.join('\r\n ');
}

function bWord(bytes: number[]): string {
  return `=?UTF-8?B?${btoa(String.fromCharCode(...bytes))}?=`;
}
