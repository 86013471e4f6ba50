// The key-change warning (issue 5; no S/MIME client does this): a correspondent's new
// certificate is suspicious when it has another key AND another issuer than every certificate we
// hold for the address, while one of those is still valid. A routine renewal (same issuer, new
// key) or a re-certification (same key, new issuer) is silent, as is a new certificate after the
// old one expired. The new certificate is recorded anyway (it came from the contact's own validly
// signed mail) but flagged, so the user sees it in the address book until they decide.
import type * as pkijs from 'pkijs';

import { namesAddress, sameIssuer, sameKey, validAt } from './certificate-facts';
import type { CertbookRecord } from './certbook-entry';

export interface KeyChangeWarning {
  address: string;
  message: string;
}

const day = (d: Date) => d.toISOString().slice(0, 10);

const issuerName = (certificate: pkijs.Certificate) =>
  certificate.issuer.typesAndValues.find((tv) => tv.type === '2.5.4.3')?.value.valueBlock.value ?? 'another issuer';

/**
 * The warning for `address` when `candidate` replaces a still-valid certificate of another key and
 * issuer, else null. `held`: the book's records (the candidate's own entry is ignored).
 */
export function keyChangeWarning(candidate: pkijs.Certificate, candidateFingerprint: string, address: string, held: readonly CertbookRecord[], now: Date): KeyChangeWarning | null {
  const previous = held.filter((r) => r.entry.fingerprint !== candidateFingerprint && namesAddress(r.certificate, address));
  if (previous.length === 0) return null;
  if (previous.some((r) => sameKey(r.certificate, candidate) || sameIssuer(r.certificate, candidate))) return null;
  const stillValid = previous.filter((r) => validAt(r.certificate, now));
  const old = stillValid[0];
  if (!old) return null;
  return {
    address,
    message:
      `The certificate of ${address} changed unexpectedly: the new one has another key and was issued by ` +
      `${String(issuerName(candidate))}, while the one you had (from ${String(issuerName(old.certificate))}) is valid until ` +
      `${day(old.certificate.notAfter.value)}. Confirm with ${address} by another way before you trust it.`,
  };
}
