// A MIME entity made safe to clear-sign (RFC 8551 section 3.1.2, RFC 1847 section 5.1): every
// byte 7-bit, every line end CRLF, every line under 1000 bytes, so no relay needs to re-encode
// what was signed. 8-bit text becomes quoted-printable, other 8-bit or binary data base64, and
// header fields with raw 8-bit bytes are re-encoded (RFC 2047 / RFC 2231).
import { decodeTransferEncoding } from '../../mail/transfer-decoding';
import { CRLF, ascii, base64Body, containsBytes, encodeQuotedPrintable, joinBytes, newBoundary, unstructuredField } from './build-mime';
import { isSevenBitData, toCrlf } from './canonicalize';
import { formatParameter, parseParameterizedValue } from './header-params';
import type { HeaderField } from './header-fields';
import { type MimePart, bodyBytes, headerValue, parseMime } from './parse-mime';

/** `entity` (the bytes of one MIME entity) in 7-bit, CRLF form. Throws SmimeError on MIME it cannot parse. */
export function sevenBitEntity(entity: Uint8Array): Uint8Array {
  if (isSevenBitData(entity, false)) return entity;
  if (isSevenBitData(entity, true)) return toCrlf(entity);
  return rewrite(parseMime(entity));
}

function rewrite(part: MimePart): Uint8Array {
  if (part.children.length > 0) return rewriteMultipart(part);
  const body = bodyBytes(part);
  if (isSevenBitData(body, true)) return joinBytes([headerBlock(part, part.headers), toCrlf(body)]);
  const decoded = decodeTransferEncoding(body, headerValue(part, 'content-transfer-encoding'));
  const isText = part.contentType.value.startsWith('text/') && !decoded.includes(0);
  const encoding = isText ? 'quoted-printable' : 'base64';
  const encoded = isText ? encodeQuotedPrintable(toCrlf(decoded)) : base64Body(decoded);
  const kept = part.headers.filter((h) => h.key !== 'content-transfer-encoding');
  return joinBytes([headerBlock(part, kept, [`Content-Transfer-Encoding: ${encoding}`]), encoded]);
}

function rewriteMultipart(part: MimePart): Uint8Array {
  const children = part.children.map(rewrite);
  let boundary = part.contentType.params.get('boundary')!;
  let headers = part.headers;
  const extra: string[] = [];
  // Re-encoding can create a line that starts with the old boundary; then pick a new one.
  if (children.some((c) => containsBytes(c, ascii(`--${boundary}`)))) {
    boundary = newBoundary(children);
    headers = headers.filter((h) => h.key !== 'content-type');
    const params = [...part.contentType.params].map(([name, value]) => formatParameter(name, name === 'boundary' ? boundary : value));
    extra.push(`Content-Type: ${part.contentType.value}${params.join('')}`);
  }
  const chunks: (Uint8Array | string)[] = [headerBlock(part, headers, extra)];
  for (const child of children) chunks.push(`--${boundary}${CRLF}`, child, CRLF);
  chunks.push(`--${boundary}--${CRLF}`);
  return joinBytes(chunks);
}

/** The header lines (raw when 7-bit, re-encoded otherwise) plus `extra`, and the blank line. */
function headerBlock(part: MimePart, fields: HeaderField[], extra: string[] = []): Uint8Array {
  const lines = fields.map((field) => {
    const raw = part.source.subarray(field.start, field.end);
    if (isSevenBitData(raw, true)) return toCrlf(raw);
    return ascii(reencodeField(field));
  });
  const chunks: (Uint8Array | string)[] = [];
  for (const line of lines) chunks.push(line, CRLF);
  for (const line of extra) chunks.push(line, CRLF);
  chunks.push(CRLF);
  return joinBytes(chunks);
}

function reencodeField(field: HeaderField): string {
  if (field.key === 'content-type' || field.key === 'content-disposition') {
    const parsed = parseParameterizedValue(field.value);
    return `${field.name}: ${parsed.value}${[...parsed.params].map(([name, value]) => formatParameter(name, value)).join('')}`;
  }
  return unstructuredField(field.name, field.value);
}
