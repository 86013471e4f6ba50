// Canonical line ends (RFC 8551 section 3.1.1, RFC 5322): CRLF. Gateways and mbox stores turn
// CRLF into LF, which breaks clear signatures made over the canonical form.

/** Every LF not preceded by CR becomes CRLF; `bytes` itself when nothing changes. */
export function toCrlf(bytes: Uint8Array): Uint8Array {
  let bare = 0;
  for (let i = bytes.indexOf(0x0a); i >= 0; i = bytes.indexOf(0x0a, i + 1)) if (i === 0 || bytes[i - 1] !== 0x0d) bare++;
  if (bare === 0) return bytes;
  const out = new Uint8Array(bytes.length + bare);
  let o = 0;
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i]!;
    if (b === 0x0a && (i === 0 || bytes[i - 1] !== 0x0d)) out[o++] = 0x0d;
    out[o++] = b;
  }
  return out;
}

/**
 * The bytes are 7-bit data (RFC 2045 section 2.7): no NUL, nothing above 127, CR only before LF,
 * lines of at most 998 bytes. With `allowBareLf`, LF alone also ends a line (toCrlf then fixes it).
 */
export function isSevenBitData(bytes: Uint8Array, allowBareLf: boolean): boolean {
  let lineStart = 0;
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i]!;
    if (b === 0 || b > 0x7f) return false;
    if (b === 0x0d && bytes[i + 1] !== 0x0a) return false;
    if (b === 0x0a) {
      if (!allowBareLf && bytes[i - 1] !== 0x0d) return false;
      lineStart = i + 1;
    } else if (i - lineStart >= 998) return false;
  }
  return true;
}
