// Base64 straight into bytes (RFC 4648 §4), optionally in CRLF-ended lines (RFC 2045 §6.8).
// A 20 MB attachment goes through here twice (MIME part, then the upload body): building one
// huge string with String.fromCharCode and btoa took seconds and blocked the page.

const ALPHABET = new TextEncoder().encode('ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/');
const PAD = 61; // '='

/** Base64 of `bytes` as ASCII bytes; with `lineLength` (a multiple of 4), CRLF after each line and after the last. */
export function base64Bytes(bytes: Uint8Array, lineLength = 0): Uint8Array {
  const chars = Math.ceil(bytes.length / 3) * 4;
  const lines = lineLength ? Math.ceil(chars / lineLength) : 0;
  const out = new Uint8Array(chars + lines * 2);
  let o = 0;
  let col = 0;
  const full = bytes.length - (bytes.length % 3);
  for (let i = 0; i < full; i += 3) {
    const n = (bytes[i]! << 16) | (bytes[i + 1]! << 8) | bytes[i + 2]!;
    out[o++] = ALPHABET[n >>> 18]!;
    out[o++] = ALPHABET[(n >>> 12) & 63]!;
    out[o++] = ALPHABET[(n >>> 6) & 63]!;
    out[o++] = ALPHABET[n & 63]!;
    if (lineLength && (col += 4) === lineLength) {
      out[o++] = 13;
      out[o++] = 10;
      col = 0;
    }
  }
  const rest = bytes.length - full;
  if (rest) {
    const n = (bytes[full]! << 16) | (rest === 2 ? bytes[full + 1]! << 8 : 0);
    out[o++] = ALPHABET[n >>> 18]!;
    out[o++] = ALPHABET[(n >>> 12) & 63]!;
    out[o++] = rest === 2 ? ALPHABET[(n >>> 6) & 63]! : PAD;
    out[o++] = PAD;
    col += 4;
  }
  if (lineLength && col) {
    out[o++] = 13;
    out[o++] = 10;
  }
  return out.subarray(0, o);
}
