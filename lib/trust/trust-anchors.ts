// Trust anchors as settings shows them and lib/smime uses them: the parsed certificate, its DER
// and a summary (subject, SHA-256 fingerprint, validity). Also the checks on a file a user imports
// as a root: only certificate authorities' certificates, a bounded number of them.
import type * as pkijs from 'pkijs';

import { type CertificateSummary, isSmimeError, readCertificates, summarizeCertificate } from '../smime';

/** A file of roots larger than this is not a file of roots. */
export const MAX_ROOT_FILE_BYTES = 1024 * 1024;
export const MAX_ROOTS_PER_FILE = 20;

export interface TrustAnchor {
  certificate: pkijs.Certificate;
  der: Uint8Array;
  summary: CertificateSummary;
}

export class RootImportError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RootImportError';
  }
}

/** The DER a parsed certificate came from (pkijs keeps the original encoding of what it read). */
function derOf(certificate: pkijs.Certificate): Uint8Array {
  return new Uint8Array(certificate.toSchema(false).toBER(false));
}

async function anchorOf(certificate: pkijs.Certificate): Promise<TrustAnchor> {
  return { certificate, der: derOf(certificate), summary: await summarizeCertificate(certificate) };
}

/** One stored DER certificate (organisation's or user's); throws when it cannot be read. */
export async function anchorFromDer(der: Uint8Array): Promise<TrustAnchor> {
  const certificates = readCertificates(der);
  if (certificates.length !== 1) throw new RootImportError('A stored root certificate holds more than one certificate.');
  return anchorOf(certificates[0]!);
}

/**
 * The roots in a file the user chose (.cer/.crt DER or PEM, .pem with several): every
 * certificate must be a CA's (basicConstraints cA), so that a correspondent's own certificate is
 * not imported as a root by mistake (it belongs in the address book).
 */
export async function rootsFromFile(bytes: Uint8Array): Promise<TrustAnchor[]> {
  if (bytes.length > MAX_ROOT_FILE_BYTES) throw new RootImportError('The file is too large to be a root certificate (at most 1 MB).');
  let certificates: pkijs.Certificate[];
  try {
    certificates = readCertificates(bytes);
  } catch (err) {
    throw new RootImportError(isSmimeError(err) ? err.message : 'The file cannot be read as a certificate.');
  }
  if (certificates.length > MAX_ROOTS_PER_FILE) throw new RootImportError(`The file holds ${certificates.length} certificates; import at most ${MAX_ROOTS_PER_FILE} at a time.`);
  const anchors = await Promise.all(certificates.map(anchorOf));
  const notCa = anchors.find((a) => !a.summary.isCa);
  if (notCa) {
    throw new RootImportError(`"${notCa.summary.subject}" is not a certificate authority's certificate, so it cannot be a root. A person's certificate belongs in the address book.`);
  }
  return anchors;
}
