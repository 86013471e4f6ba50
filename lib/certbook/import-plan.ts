// Importing certificates by hand (.cer/.crt/.pem/.p7b/.p7c): what a file holds, what will be
// added and what is left out, shown to the user before anything is stored. Only an explicit
// import takes certificates from a certs-only bundle; harvesting never does.
import type * as pkijs from 'pkijs';

import { type CertificateSummary, readCertificates, summarizeCertificate } from '../smime';

import { certificateBytes, fingerprintOf } from './certificate-facts';
import type { CertbookRecord } from './certbook-entry';
import { CERTBOOK_LIMITS } from './certbook-entry';

/** Largest file read (a bundle with a long chain is a few tens of kB). */
export const MAX_IMPORT_FILE_BYTES = 1024 * 1024;
/** Most certificates taken from one file. */
export const MAX_IMPORT_CERTIFICATES = 100;

export interface ImportCandidate {
  certificate: pkijs.Certificate;
  der: Uint8Array;
  fingerprint: string;
  summary: CertificateSummary;
}

export interface ImportPlan {
  /** Contacts' certificates that will be added. */
  add: ImportCandidate[];
  /** Certificates the file holds that will not be added, each with the reason. */
  skipped: { subject: string; reason: string }[];
}

export class ImportFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ImportFileError';
  }
}

const ENCRYPTING_USAGES = ['keyEncipherment', 'keyAgreement'];

/** Reads a certificate file and sorts its certificates into what will be added and what not. Throws ImportFileError for an unreadable file. */
export async function planImport(bytes: Uint8Array, book: readonly CertbookRecord[]): Promise<ImportPlan> {
  if (bytes.length > MAX_IMPORT_FILE_BYTES) throw new ImportFileError(`The file is larger than ${MAX_IMPORT_FILE_BYTES / 1024} kB: it is not a certificate file.`);
  let found: pkijs.Certificate[];
  try {
    found = readCertificates(bytes);
  } catch (error) {
    throw new ImportFileError(error instanceof Error ? error.message : 'The file cannot be read.');
  }
  const plan: ImportPlan = { add: [], skipped: [] };
  for (const [i, certificate] of found.entries()) {
    const der = certificateBytes(certificate);
    let summary: CertificateSummary;
    try {
      summary = await summarizeCertificate(certificate);
    } catch {
      plan.skipped.push({ subject: `Certificate ${i + 1}`, reason: 'It cannot be read.' });
      continue;
    }
    const skip = (reason: string) => plan.skipped.push({ subject: summary.subject, reason });
    if (i >= MAX_IMPORT_CERTIFICATES) skip(`Only the first ${MAX_IMPORT_CERTIFICATES} certificates of a file are read.`);
    else if (der.length > CERTBOOK_LIMITS.maxCertificateBytes) skip('It is too large.');
    else if (summary.isCa) skip("It is a certificate authority's certificate, not a contact's (trusted roots are set elsewhere).");
    else if (summary.emails.length === 0) skip('It names no email address.');
    else if (book.some((r) => r.entry.fingerprint === summary.sha256) || plan.add.some((c) => c.fingerprint === summary.sha256)) skip('It is already in your address book.');
    else plan.add.push({ certificate, der, fingerprint: await fingerprintOf(der), summary });
  }
  return plan;
}

/** The book record of an imported certificate. */
export function importedRecord(candidate: ImportCandidate, now: Date = new Date()): CertbookRecord {
  const usages = candidate.summary.keyUsage;
  return {
    certificate: candidate.certificate,
    entry: {
      fingerprint: candidate.fingerprint,
      certificate: candidate.der,
      addresses: candidate.summary.emails.slice(0, CERTBOOK_LIMITS.maxAddresses),
      origin: 'imported',
      capabilities: null,
      firstSeen: now.toISOString(),
      lastSeen: now.toISOString(),
      signingTime: null,
      // No key usage extension: any usage (RFC 5280 4.2.1.3).
      isEncryptionCertificate: usages.length === 0 || usages.some((u) => ENCRYPTING_USAGES.includes(u)),
      keyChange: null,
    },
  };
}
