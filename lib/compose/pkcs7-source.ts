// Is a stored message wrapped whole in CMS (application/pkcs7-mime: encrypted, or opaque-signed)?
// Then its text is only readable through lib/smime, so the composer opens it before quoting or
// continuing it. Only the top-level Content-Type counts (RFC 8551 section 3.2), read from a
// bounded header.

/** How much of the header is read: a Content-Type field beyond this is not ours to find. */
export const MAX_HEADER_BYTES = 64 * 1024;

const latin1 = new TextDecoder('latin1');

/** The top-level Content-Type value (unfolded), null when the header has none. */
export function topContentType(raw: Uint8Array): string | null {
  const head = latin1.decode(raw.subarray(0, MAX_HEADER_BYTES));
  const end = head.search(/\r?\n\r?\n/);
  const fields = (end < 0 ? head : head.slice(0, end)).replace(/\r?\n[ \t]+/g, ' ').split(/\r?\n/);
  const field = fields.find((f) => /^content-type\s*:/i.test(f));
  return field ? field.slice(field.indexOf(':') + 1).trim() : null;
}

/** application/pkcs7-mime or the older application/x-pkcs7-mime (RFC 8551 section 3.2.1). */
export function isPkcs7Mime(raw: Uint8Array): boolean {
  return /^application\/(x-)?pkcs7-mime\b/i.test(topContentType(raw) ?? '');
}
