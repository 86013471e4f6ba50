// What one source (a CRL or an OCSP response) says about one certificate.

export type RevocationAnswer =
  | { status: 'good'; source: 'crl' | 'ocsp'; producedAt: Date }
  | { status: 'revoked'; source: 'crl' | 'ocsp'; producedAt: Date; revokedAt: Date; reason?: string }
  /** The source could not answer (not reachable, not verifiable, stale, responder does not know): why, in a sentence. */
  | { status: 'unknown'; why: string };

/** CRLReason (RFC 5280 section 5.3.1) by its ENUMERATED value. */
const REASONS: Record<number, string> = {
  0: 'unspecified',
  1: 'keyCompromise',
  2: 'cACompromise',
  3: 'affiliationChanged',
  4: 'superseded',
  5: 'cessationOfOperation',
  6: 'certificateHold',
  8: 'removeFromCRL',
  9: 'privilegeWithdrawn',
  10: 'aACompromise',
};

export function reasonName(code: number): string {
  return REASONS[code] ?? `reason ${code}`;
}

/** Clock skew tolerated between us and a CRL issuer or OCSP responder. */
export const CLOCK_SKEW_MS = 5 * 60 * 1000;
