// Bytes to text under a declared charset (RFC 2046 section 4.1.2), with TextDecoder: an unknown
// or missing label falls back to UTF-8, and bytes that are not UTF-8 then read as Latin-1, so
// text is never lost to a bad label.

const utf8Strict = new TextDecoder('utf-8', { fatal: true });
const latin1 = new TextDecoder('latin1');

/** A decoder for `charset`, or null when the label is unknown to this platform. */
export function decoderFor(charset: string): TextDecoder | null {
  try {
    return new TextDecoder(charset.trim().toLowerCase());
  } catch {
    return null;
  }
}

export function decodeText(bytes: Uint8Array, charset?: string | null): string {
  const label = (charset ?? '').trim().toLowerCase();
  if (label && label !== 'us-ascii' && label !== 'utf-8' && label !== 'utf8') {
    const decoder = decoderFor(label);
    if (decoder) return decoder.decode(bytes);
  }
  return decodeUtf8OrLatin1(bytes);
}

/** UTF-8 when the bytes are valid UTF-8 (ASCII included), else Latin-1 (raw 8-bit header bytes). */
export function decodeUtf8OrLatin1(bytes: Uint8Array): string {
  try {
    return utf8Strict.decode(bytes);
  } catch {
    return latin1.decode(bytes);
  }
}
