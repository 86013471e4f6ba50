// The directory's certificate answer with its base64 decoded, for the browser-side parser
// (lib/recipients/directory-certificates.ts). The server is only a relay: a malformed value is
// passed on as empty bytes, which the parser skips with a reason, rather than failing the answer.
import type { DirectoryCertificatesAnswer } from './types';

/** One address's directory values as bytes, still unparsed. */
export interface DirectoryCertificateBytes {
  email: string;
  /** DER certificates (userCertificate;binary). */
  certificates: Uint8Array[];
  /** PKCS#7 certs-only bundles (userSMIMECertificate). */
  smimeBundles: Uint8Array[];
}

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** Strict base64 (no line breaks, canonical padding); anything else is empty bytes. */
export function strictBase64Bytes(text: unknown): Uint8Array {
  if (typeof text !== 'string' || !BASE64.test(text)) return new Uint8Array(0);
  return Uint8Array.from(atob(text), (c) => c.charCodeAt(0));
}

const list = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);

/** The answer decoded; results without an address string are dropped. */
export function decodeDirectoryAnswer(answer: DirectoryCertificatesAnswer): DirectoryCertificateBytes[] {
  return list(answer?.results).flatMap((r) => {
    const result = r as Partial<Record<keyof DirectoryCertificateBytes, unknown>> | null;
    if (typeof result?.email !== 'string') return [];
    return [{
      email: result.email,
      certificates: list(result.certificates).map(strictBase64Bytes),
      smimeBundles: list(result.smimeBundles).map(strictBase64Bytes),
    }];
  });
}
