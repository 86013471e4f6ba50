// Content-Transfer-Encoding (RFC 2045 section 6) decoded in the browser, byte by byte, for parts
// fetched on their own. Lenient like mail readers are: characters outside the alphabet are
// skipped and a truncated tail decodes as far as it goes.

const B64 = new Int16Array(256).fill(-1);
'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/'.split('').forEach((c, i) => (B64[c.charCodeAt(0)] = i));

export function decodeBase64(input: Uint8Array): Uint8Array {
  const out = new Uint8Array(Math.floor((input.length * 3) / 4) + 3);
  let n = 0;
  let acc = 0;
  let bits = 0;
  for (let i = 0; i < input.length; i++) {
    const v = B64[input[i]!]!;
    if (v < 0) {
      if (input[i] === 0x3d) break; // "=": padding ends the data
      continue;
    }
    acc = ((acc << 6) | v) & 0xffffff;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[n++] = (acc >> bits) & 0xff;
    }
  }
  return out.subarray(0, n);
}

const hex = (c: number) => (c >= 0x30 && c <= 0x39 ? c - 0x30 : c >= 0x41 && c <= 0x46 ? c - 0x37 : c >= 0x61 && c <= 0x66 ? c - 0x57 : -1);

/** RFC 2045 section 6.7: "=XX" escapes, "=" at a line end is a soft break; a bad escape stays as is. */
export function decodeQuotedPrintable(input: Uint8Array): Uint8Array {
  const out = new Uint8Array(input.length);
  let n = 0;
  for (let i = 0; i < input.length; i++) {
    const c = input[i]!;
    if (c !== 0x3d) {
      out[n++] = c;
      continue;
    }
    // Soft line break: "=" then optional trailing white space, then CRLF or LF.
    let j = i + 1;
    while (input[j] === 0x20 || input[j] === 0x09) j++;
    if (input[j] === 0x0d && input[j + 1] === 0x0a) {
      i = j + 1;
      continue;
    }
    if (input[j] === 0x0a || j >= input.length) {
      i = j;
      continue;
    }
    const hi = hex(input[i + 1] ?? -1);
    const lo = hex(input[i + 2] ?? -1);
    if (hi >= 0 && lo >= 0) {
      out[n++] = (hi << 4) | lo;
      i += 2;
    } else out[n++] = c;
  }
  return out.subarray(0, n);
}

/** The part's bytes with its transfer encoding removed; 7bit, 8bit, binary and unknown ones stay as they are. */
export function decodeTransferEncoding(input: Uint8Array, encoding: string | null): Uint8Array {
  switch ((encoding ?? '').trim().toLowerCase()) {
    case 'base64':
      return decodeBase64(input);
    case 'quoted-printable':
      return decodeQuotedPrintable(input);
    default:
      return input;
  }
}
