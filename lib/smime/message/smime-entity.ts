// Recognizing S/MIME entities (RFC 8551 section 3.10) and what a CMS blob really is. Labels are
// only a hint that a part is S/MIME: smime-type is often missing or wrong (Microsoft sends
// application/octet-stream with a .p7m name), so the kind of layer comes from the ContentInfo.
import * as pkijs from 'pkijs';

import { parseAs } from '../asn1/parse-der';
import { filenameOf } from '../mime/part-content';
import type { MimePart } from '../mime/parse-mime';

export type SmimeEntityKind = 'multipart-signed' | 'pkcs7-mime';

const PKCS7_MIME = new Set(['application/pkcs7-mime', 'application/x-pkcs7-mime']);
const PKCS7_SIGNATURE = new Set(['application/pkcs7-signature', 'application/x-pkcs7-signature']);

function octetStreamNamed(part: MimePart, extensions: RegExp): boolean {
  return part.contentType.value === 'application/octet-stream' && extensions.test(filenameOf(part) ?? '');
}

/** A detached-signature part: application/(x-)pkcs7-signature, or octet-stream named *.p7s. */
export function isSignaturePart(part: MimePart): boolean {
  return PKCS7_SIGNATURE.has(part.contentType.value) || octetStreamNamed(part, /\.p7s$/i);
}

/** Whether `part` is an S/MIME entity, and which form; null for anything else (PGP/MIME included). */
export function smimeEntityKind(part: MimePart): SmimeEntityKind | null {
  const type = part.contentType.value;
  if (type === 'multipart/signed') {
    const protocol = (part.contentType.params.get('protocol') ?? '').trim().toLowerCase();
    const second = part.children[1];
    return PKCS7_SIGNATURE.has(protocol) || (second !== undefined && isSignaturePart(second)) ? 'multipart-signed' : null;
  }
  if (PKCS7_MIME.has(type) || octetStreamNamed(part, /\.p7[mcz]$/i)) return 'pkcs7-mime';
  return null;
}

/** The contentType OID of a ContentInfo. Throws SmimeError('malformed-asn1') when it is not one. */
export function contentInfoType(der: Uint8Array): string {
  return parseAs(der, 'CMS ContentInfo', (schema) => new pkijs.ContentInfo({ schema })).contentType;
}
