// Whether a verified signature also satisfies the organisation's policy (allowed hashes, RSA
// size), and which hash our own signatures use. The reader shows a signature that fails these as
// "weak algorithm", whatever lib/smime's own verdict.
import type { SignatureReport, SignMessageOptions } from '../smime';

import { keyMeetsPolicy } from './key-size';
import type { SecurityPolicy, SignatureHash } from './security-policy';

export type SigningHash = NonNullable<SignMessageOptions['hash']>;

const HASH_SUFFIX: Record<string, SignatureHash> = { sha1: 'SHA-1', sha256: 'SHA-256', sha384: 'SHA-384', sha512: 'SHA-512' };

/**
 * The hash of a report's algorithm name ("rsa-pkcs1-sha256", "rsa-pss-sha384",
 * "ecdsa-p256-sha512"); Ed25519 hashes with SHA-512 (RFC 8419 section 3). Null for anything else
 * (MD5, an unknown OID): no policy allows that.
 */
export function signatureHashOf(algorithm: string): SignatureHash | null {
  if (algorithm === 'ed25519') return 'SHA-512';
  const match = /-(sha\d+)$/.exec(algorithm);
  return (match && HASH_SUFFIX[match[1]!]) ?? null;
}

export interface PolicyVerdict {
  ok: boolean;
  /** Plain sentences, one per rule broken. */
  reasons: string[];
}

export function signatureMeetsPolicy(report: Pick<SignatureReport, 'algorithm' | 'certificate'>, policy: SecurityPolicy): PolicyVerdict {
  const reasons: string[] = [];
  const hash = signatureHashOf(report.algorithm);
  if (!hash) {
    reasons.push(`The signature uses ${report.algorithm}, which the organisation's policy does not accept.`);
  } else if (!policy.allowedSignatureHashes.includes(hash)) {
    reasons.push(`The signature uses ${hash}, which the organisation's policy does not accept (allowed: ${policy.allowedSignatureHashes.join(', ')}).`);
  }
  if (report.certificate) {
    const key = keyMeetsPolicy(report.certificate.keyAlgorithm, policy);
    if (!key.ok) reasons.push(`The signer's key is too weak: ${key.reason}`);
  }
  return { ok: reasons.length === 0, reasons };
}

/** The hash our signatures use: the policy's first allowed one that is not SHA-1. */
export function signingHashForPolicy(policy: SecurityPolicy): SigningHash {
  const hash = policy.allowedSignatureHashes.find((h): h is SigningHash => h !== 'SHA-1');
  // parseSecurityPolicy refuses a policy without one; a hand-made policy object might not.
  if (!hash) throw new Error('The security policy allows no hash to sign with (SHA-1 is never used).');
  return hash;
}
