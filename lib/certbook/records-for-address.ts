// The book's candidates for encrypting to one address, best first: certificates the contact asked
// to be encrypted to, unflagged ones before those with an unexplained key change, newest first.
// Candidates only: the caller validates each (chain to trusted roots, address match, revocation).
import { namesAddress } from './certificate-facts';
import type { CertbookRecord } from './certbook-entry';

export function recordsForAddress(records: readonly CertbookRecord[], address: string): CertbookRecord[] {
  const rank = (r: CertbookRecord) => (r.entry.keyChange ? 2 : 0) + (r.entry.isEncryptionCertificate ? 0 : 1);
  return records
    .filter((r) => namesAddress(r.certificate, address))
    .sort((a, b) => rank(a) - rank(b) || b.certificate.notBefore.value.getTime() - a.certificate.notBefore.value.getTime());
}
