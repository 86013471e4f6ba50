// Reads certificates from the files people have: one DER certificate, PEM (one or many blocks,
// any line ends, text around them), or a PKCS#7/CMS certs-only bundle (.p7b/.p7c, DER or PEM
// "PKCS7"/"CMS"), RFC 8551 section 3.8.
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';

import { parseAs, parseAsn1 } from '../asn1/parse-der';
import { isSmimeError, SmimeError } from '../errors';
import { OID } from '../oids';

const PEM_BLOCK = /-----BEGIN ([A-Z0-9 ]+)-----([\s\S]*?)-----END \1-----/g;
const CERTIFICATE_LABELS = new Set(['CERTIFICATE', 'X509 CERTIFICATE']);
const BUNDLE_LABELS = new Set(['PKCS7', 'CMS', 'PKCS #7 SIGNED DATA']);

/** DER certificate, PEM (one or many, any line ends), PKCS#7/CMS certs-only. Bad input -> SmimeError('malformed-certificate'). */
export function readCertificates(bytes: Uint8Array): pkijs.Certificate[] {
  try {
    const certificates = looksLikePem(bytes) ? readPem(new TextDecoder('latin1').decode(bytes)) : readDer(bytes);
    if (certificates.length === 0) throw new SmimeError('malformed-certificate', 'The file holds no certificate.');
    return certificates;
  } catch (error) {
    if (isSmimeError(error) && (error.code === 'malformed-certificate' || error.code === 'limit-exceeded')) throw error;
    throw new SmimeError('malformed-certificate', 'The file is not a certificate, a PEM file of certificates or a PKCS#7 bundle.', { cause: error });
  }
}

function looksLikePem(bytes: Uint8Array): boolean {
  // DER starts with a SEQUENCE tag; PEM is text that contains a BEGIN line somewhere.
  return bytes[0] !== 0x30 && new TextDecoder('latin1').decode(bytes).includes('-----BEGIN ');
}

function readPem(text: string): pkijs.Certificate[] {
  const certificates: pkijs.Certificate[] = [];
  for (const [, label, body] of text.matchAll(PEM_BLOCK)) {
    // Other blocks (a private key beside the certificate) are skipped, not read.
    if (!CERTIFICATE_LABELS.has(label!) && !BUNDLE_LABELS.has(label!)) continue;
    const der = decodeBase64(body!);
    if (CERTIFICATE_LABELS.has(label!)) certificates.push(parseCertificate(der));
    else certificates.push(...readBundle(der));
  }
  return certificates;
}

/** Base64 of a PEM body; RFC 1421 header lines ("Proc-Type: ...") are dropped. */
function decodeBase64(body: string): Uint8Array {
  const text = body
    .split(/\r\n|\r|\n/)
    .filter((line) => !line.includes(':'))
    .join('')
    .replace(/[ \t]/g, '');
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(text) || text.length % 4 !== 0) {
    throw new SmimeError('malformed-certificate', 'A PEM block is not valid base64.');
  }
  const binary = atob(text);
  return Uint8Array.from(binary, (c) => c.charCodeAt(0));
}

function readDer(bytes: Uint8Array): pkijs.Certificate[] {
  const value = parseAsn1(bytes, 'certificate file');
  // A ContentInfo starts with its contentType OID; a Certificate starts with the TBSCertificate SEQUENCE.
  const first = value instanceof asn1js.Sequence ? value.valueBlock.value[0] : undefined;
  return first instanceof asn1js.ObjectIdentifier ? readBundle(bytes) : [parseCertificate(bytes)];
}

export function parseCertificate(der: Uint8Array): pkijs.Certificate {
  return parseAs(der, 'certificate', (schema) => new pkijs.Certificate({ schema }));
}

/** The X.509 certificates of a SignedData (certs-only or not); attribute and other certificates are skipped. */
function readBundle(der: Uint8Array): pkijs.Certificate[] {
  const signed = parseAs(der, 'PKCS#7 bundle', (schema) => {
    const info = new pkijs.ContentInfo({ schema });
    if (info.contentType !== OID.signedData) throw new Error('not a SignedData bundle');
    // Read from the parsed value itself, so each certificate keeps the bytes it was signed over.
    return new pkijs.SignedData({ schema: info.content });
  });
  return (signed.certificates ?? []).filter((c): c is pkijs.Certificate => c instanceof pkijs.Certificate);
}
