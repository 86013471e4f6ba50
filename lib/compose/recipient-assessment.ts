// Can we encrypt to this recipient? Each candidate certificate the address book or the directory
// offers is checked here, in the browser: its chain to our trust anchors for the encryption
// purpose (lib/smime validateCertificate), that it names the recipient's address, and the
// policy's smallest RSA key. The address book only finds candidates; it decides nothing.
import type * as pkijs from 'pkijs';

import type { CertificateOrigin } from '../certbook/certbook-entry';
import type { SecurityPolicy } from '../policy/security-policy';
import { certificateEmails, summarizeCertificate, validateCertificate, type TrustSettings } from '../smime';

export type { CertificateOrigin };

/** A candidate to encrypt to, as CertificateSource.recipientCertificates gives it. */
export interface CandidateCertificate {
  certificate: pkijs.Certificate;
  origin: CertificateOrigin;
  /** SMIMECapabilities OIDs the correspondent announced, null when unknown. */
  capabilities: string[] | null;
}

/** What lib/compose needs of the certificate address book. */
export interface RecipientCertificateLookup {
  recipientCertificates(address: string): Promise<CandidateCertificate[]>;
}

/**
 * A recipient's certificate state: 'valid' is the only usable one. 'none': no candidate at all;
 * 'unknown': revocation could not be checked under hard-fail; 'weak-key': under the policy's
 * smallest RSA size; 'wrong-address': the certificate does not name this address;
 * 'lookup-failed': the address book or directory could not be asked.
 */
export type CertificateState =
  | 'valid'
  | 'expired'
  | 'revoked'
  | 'untrusted'
  | 'wrong-usage'
  | 'unknown'
  | 'weak-key'
  | 'wrong-address'
  | 'none'
  | 'lookup-failed';

export interface RecipientAssessment {
  /** Lower case addr-spec. */
  address: string;
  state: CertificateState;
  /** The certificate to encrypt to (state 'valid'), else the best candidate found (for the details), null for none. */
  certificate: pkijs.Certificate | null;
  origin: CertificateOrigin | null;
  capabilities: string[] | null;
  /** Plain sentences: why the certificate cannot be used. Empty when valid. */
  reasons: string[];
}

export type ValidateCertificate = typeof validateCertificate;

export interface AssessDependencies {
  certificates: RecipientCertificateLookup;
  trust: TrustSettings;
  policy: SecurityPolicy;
  /** lib/smime validateCertificate unless a test or the worker gives another. */
  validate?: ValidateCertificate;
}

// When no candidate is usable, the one shown is the least bad: a certificate that is merely
// expired tells the user more ("ask for a new one") than one that is not theirs at all.
const SHOWN_FIRST: CertificateState[] = ['unknown', 'expired', 'wrong-usage', 'weak-key', 'untrusted', 'revoked', 'wrong-address'];

const VERDICT_STATE = {
  trusted: 'valid',
  expired: 'expired',
  revoked: 'revoked',
  'untrusted-root': 'untrusted',
  'wrong-usage': 'wrong-usage',
  unknown: 'unknown',
} as const;

/** Lower case, trimmed: addresses are compared this way (the domain is case-insensitive; local parts in practice too). */
export const normalizeAddress = (address: string) => address.trim().toLowerCase();

/** RSA modulus size from lib/smime's key name ("rsa-2048"), null for other keys. */
async function rsaBits(certificate: pkijs.Certificate): Promise<number | null> {
  const match = /^rsa-(\d+)$/.exec((await summarizeCertificate(certificate)).keyAlgorithm);
  return match ? Number(match[1]) : null;
}

async function checkCandidate(address: string, candidate: CandidateCertificate, deps: AssessDependencies): Promise<RecipientAssessment> {
  const base = { address, certificate: candidate.certificate, origin: candidate.origin, capabilities: candidate.capabilities };
  if (!certificateEmails(candidate.certificate).some((email) => normalizeAddress(email) === address)) {
    return { ...base, state: 'wrong-address', reasons: [`The certificate is not issued for ${address}.`] };
  }
  const bits = await rsaBits(candidate.certificate);
  if (bits !== null && bits < deps.policy.minRsaBits) {
    return { ...base, state: 'weak-key', reasons: [`Its RSA key has ${bits} bits; the policy asks for at least ${deps.policy.minRsaBits}.`] };
  }
  const validation = await (deps.validate ?? validateCertificate)(candidate.certificate, { purpose: 'encryption' }, deps.trust);
  return { ...base, state: VERDICT_STATE[validation.verdict], reasons: validation.verdict === 'trusted' ? [] : validation.reasons };
}

/** The certificate to encrypt to `address`: the first candidate that is valid, else the least bad one and why. */
export async function assessRecipient(address: string, deps: AssessDependencies): Promise<RecipientAssessment> {
  const normalized = normalizeAddress(address);
  let candidates: CandidateCertificate[];
  try {
    candidates = await deps.certificates.recipientCertificates(normalized);
  } catch {
    return { address: normalized, state: 'lookup-failed', certificate: null, origin: null, capabilities: null, reasons: ['The certificate could not be looked up.'] };
  }
  if (candidates.length === 0) {
    return { address: normalized, state: 'none', certificate: null, origin: null, capabilities: null, reasons: [`No certificate for ${normalized} was found.`] };
  }
  const checked: RecipientAssessment[] = [];
  for (const candidate of candidates) {
    const result = await checkCandidate(normalized, candidate, deps);
    if (result.state === 'valid') return result;
    checked.push(result);
  }
  return checked.sort((a, b) => SHOWN_FIRST.indexOf(a.state) - SHOWN_FIRST.indexOf(b.state))[0]!;
}

/** Every distinct address once, in parallel. */
export async function assessRecipients(addresses: string[], deps: AssessDependencies): Promise<Map<string, RecipientAssessment>> {
  const unique = [...new Set(addresses.map(normalizeAddress))];
  const results = await Promise.all(unique.map((address) => assessRecipient(address, deps)));
  return new Map(results.map((r) => [r.address, r]));
}
