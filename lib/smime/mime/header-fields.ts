// A MIME entity's header block split into fields (RFC 5322 section 2.2): continuation lines
// unfolded, each field keeping the offsets of its raw bytes so a writer can copy it exactly.
import { decodeUtf8OrLatin1 } from './charset-text';

export interface HeaderField {
  /** The name as written. */
  name: string;
  /** The name lower-cased, for lookups. */
  key: string;
  /** Unfolded (line ends before white space removed, section 2.2.3), not RFC 2047 decoded. */
  value: string;
  /** Offsets of the field's raw bytes in the source, its folded lines included, its final line end not. */
  start: number;
  end: number;
}

/** Fields of the header block `source[start, end)`; lines that are not fields (an mbox "From " line) are skipped. */
export function parseHeaderFields(source: Uint8Array, start: number, end: number): HeaderField[] {
  const fields: HeaderField[] = [];
  let current: { start: number; end: number } | null = null;
  const finish = () => {
    if (!current) return;
    const text = decodeUtf8OrLatin1(source.subarray(current.start, current.end));
    const colon = text.indexOf(':');
    if (colon > 0) {
      const name = text.slice(0, colon).trim();
      if (/^[\x21-\x39\x3b-\x7e]+$/.test(name)) {
        const value = text.slice(colon + 1).replace(/\r?\n(?=[ \t])/g, '').trim();
        fields.push({ name, key: name.toLowerCase(), value, start: current.start, end: current.end });
      }
    }
    current = null;
  };
  let pos = start;
  while (pos < end) {
    const newline = source.indexOf(0x0a, pos);
    const lineEnd = newline < 0 || newline >= end ? end : newline;
    const contentEnd = lineEnd > pos && source[lineEnd - 1] === 0x0d ? lineEnd - 1 : lineEnd;
    const first = source[pos];
    if ((first === 0x20 || first === 0x09) && current) current.end = contentEnd;
    else {
      finish();
      current = { start: pos, end: contentEnd };
    }
    pos = lineEnd + 1;
  }
  finish();
  return fields;
}
