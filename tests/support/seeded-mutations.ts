// Seeded mutations of messages and CMS blobs for the fuzz tests: the same seed gives the same
// inputs on every machine, so a failure can be replayed by its seed and index.
import { prng } from '../../scripts/stack/prng.mjs';

/** The fuzz tests' generator: the project's one seeded PRNG. */
export const seededRandom = (seed: number): (() => number) => prng(seed);

/** Tokens that steer mutations into the parsers' interesting branches. */
const TOKENS = ['\r\n', '\n', '--', '\r\n\r\n', 'Content-Type: application/pkcs7-mime; smime-type=enveloped-data\r\n', 'boundary="', '=?utf-8?b?', '\x30\x80', '\x30\x84\xff\xff\xff\xff', '\x00\x00', '\x06\x09\x2a\x86\x48\x86\xf7\x0d\x01\x07\x02'].map((t) =>
  Uint8Array.from(t, (c) => c.charCodeAt(0)),
);

export type Mutation = 'flip' | 'truncate' | 'delete' | 'duplicate' | 'insert-random' | 'insert-token' | 'length-byte';

/** One mutated copy of `input`, 1 to 4 mutations deep. */
export function mutate(input: Uint8Array, random: () => number): { bytes: Uint8Array; applied: Mutation[] } {
  let bytes = input;
  const applied: Mutation[] = [];
  const count = 1 + Math.floor(random() * 4);
  const at = (n: number) => Math.floor(random() * Math.max(1, n));
  for (let i = 0; i < count; i++) {
    const kinds: Mutation[] = ['flip', 'truncate', 'delete', 'duplicate', 'insert-random', 'insert-token', 'length-byte'];
    const kind = kinds[at(kinds.length)]!;
    applied.push(kind);
    const pos = at(bytes.length);
    switch (kind) {
      case 'flip': {
        bytes = bytes.slice();
        if (bytes.length) bytes[pos] = bytes[pos]! ^ (1 << at(8));
        break;
      }
      case 'truncate':
        bytes = bytes.slice(0, pos);
        break;
      case 'delete': {
        const len = 1 + at(64);
        bytes = concat(bytes.subarray(0, pos), bytes.subarray(pos + len));
        break;
      }
      case 'duplicate': {
        const len = 1 + at(256);
        bytes = concat(bytes.subarray(0, pos + len), bytes.subarray(pos, pos + len), bytes.subarray(pos + len));
        break;
      }
      case 'insert-random': {
        const extra = new Uint8Array(1 + at(32)).map(() => at(256));
        bytes = concat(bytes.subarray(0, pos), extra, bytes.subarray(pos));
        break;
      }
      case 'insert-token':
        bytes = concat(bytes.subarray(0, pos), TOKENS[at(TOKENS.length)]!, bytes.subarray(pos));
        break;
      case 'length-byte': {
        // Lengths follow tags in DER: bump a byte after a common constructed tag.
        bytes = bytes.slice();
        const tagAt = bytes.indexOf(0x30, pos);
        if (tagAt >= 0 && tagAt + 1 < bytes.length) bytes[tagAt + 1] = at(256);
        break;
      }
    }
  }
  return { bytes, applied };
}

function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}
