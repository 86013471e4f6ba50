// "Attach my certificate": the sender's certificates as a certs-only part (RFC 8551 section 3.8:
// application/pkcs7-mime; smime-type=certs-only, file name smime.p7c), so a correspondent can
// import them and encrypt to us. The part joins the message the composer built: that message's
// content becomes the first part of a multipart/mixed, the certificates the second.
import * as pkijs from 'pkijs';

import { base64Bytes } from '../mail/base64-bytes';
import { type MimeEntity, multipart, serializeEntity } from '../mail/mime-parts';
import { concatBytes } from '../bytes';

// RFC 5652 section 4 and 5.1.
const ID_DATA = '1.2.840.113549.1.7.1';
const ID_SIGNED_DATA = '1.2.840.113549.1.7.2';

const CRLF = '\r\n';
const utf8 = new TextEncoder();
const latin1 = new TextDecoder('latin1');

/** A degenerate SignedData (no signers, no content) carrying `certificates`: the certs-only format. */
export function certsOnlyDer(certificates: pkijs.Certificate[]): Uint8Array {
  const signed = new pkijs.SignedData({
    version: 1,
    encapContentInfo: new pkijs.EncapsulatedContentInfo({ eContentType: ID_DATA }),
    certificates,
    signerInfos: [],
  });
  const info = new pkijs.ContentInfo({ contentType: ID_SIGNED_DATA, content: signed.toSchema(true) });
  return new Uint8Array(info.toSchema().toBER(false));
}

/** The certs-only MIME part. */
export function certsOnlyEntity(der: Uint8Array): MimeEntity {
  return {
    headers: [
      `Content-Type: application/pkcs7-mime; smime-type=certs-only;${CRLF} name="smime.p7c"`,
      'Content-Transfer-Encoding: base64',
      `Content-Disposition: attachment;${CRLF} filename="smime.p7c"`,
    ],
    body: base64Bytes(der, 76),
    eightBit: false,
  };
}

function indexOf(bytes: Uint8Array, needle: Uint8Array, from = 0): number {
  for (let i = bytes.indexOf(needle[0]!, from); i >= 0 && i + needle.length <= bytes.length; i = bytes.indexOf(needle[0]!, i + 1)) {
    let j = 1;
    while (j < needle.length && bytes[i + j] === needle[j]) j++;
    if (j === needle.length) return i;
  }
  return -1;
}

/**
 * `raw` (as lib/mail/build-message.ts writes it: the message's own fields end with
 * "MIME-Version: 1.0", the Content-* fields of its body follow) with a certs-only part added.
 */
export function attachCertificates(raw: Uint8Array, certificates: pkijs.Certificate[]): Uint8Array {
  const marker = utf8.encode(`${CRLF}MIME-Version: 1.0${CRLF}`);
  const split = indexOf(raw, marker);
  if (split < 0) throw new Error('attachCertificates: not a message built by lib/mail');
  const outerEnd = split + marker.length;
  const headerEnd = indexOf(raw, utf8.encode(`${CRLF}${CRLF}`), split);
  if (headerEnd < outerEnd - 2) throw new Error('attachCertificates: the message has no body fields');
  // The body's own Content-* fields, folded lines kept as they are.
  const contentFields = latin1.decode(raw.subarray(outerEnd, headerEnd));
  const content: MimeEntity = {
    headers: [contentFields],
    body: raw.subarray(headerEnd + 4),
    eightBit: /^content-transfer-encoding:\s*8bit/im.test(contentFields),
  };
  const mixed = multipart('mixed', [content, certsOnlyEntity(certsOnlyDer(certificates))]);
  return concatBytes(raw.subarray(0, outerEnd), serializeEntity(mixed));
}
