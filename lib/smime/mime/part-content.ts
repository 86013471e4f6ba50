// What a leaf part holds: its body with the transfer encoding removed, as text in its charset,
// and how it is meant to be shown (Content-Disposition, RFC 2183) and named.
import { decodeTransferEncoding } from '../../mail/transfer-decoding';
import { decodeText } from './charset-text';
import { parameterText, parseParameterizedValue } from './header-params';
import { type MimePart, bodyBytes, headerValue } from './parse-mime';

/** The body with its Content-Transfer-Encoding (base64, quoted-printable) removed. */
export function decodedBody(part: MimePart): Uint8Array {
  return decodeTransferEncoding(bodyBytes(part), headerValue(part, 'content-transfer-encoding'));
}

/** The decoded body as text in the part's charset. */
export function bodyText(part: MimePart): string {
  return decodeText(decodedBody(part), part.contentType.params.get('charset'));
}

/** "attachment", "inline", or null when the part has no Content-Disposition. */
export function dispositionOf(part: MimePart): string | null {
  const value = headerValue(part, 'content-disposition');
  return value === null ? null : parseParameterizedValue(value).value || null;
}

/** Content-Disposition filename, else Content-Type name (RFC 2231 and RFC 2047 decoded). */
export function filenameOf(part: MimePart): string | null {
  const disposition = headerValue(part, 'content-disposition');
  const fromDisposition = disposition === null ? undefined : parseParameterizedValue(disposition).params.get('filename');
  return parameterText(fromDisposition ?? part.contentType.params.get('name'));
}
