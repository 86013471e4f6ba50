// Minimum RSA size (policy.minRsaBits) for signers' and recipients' keys. Elliptic-curve and
// Edwards keys have no such setting: every curve lib/smime accepts is at least as strong as
// RSA-3072.
import type * as pkijs from 'pkijs';

import { summarizeCertificate } from '../smime';

import type { SecurityPolicy } from './security-policy';

export type KeyCheck = { ok: true } | { ok: false; reason: string };

/** The modulus size in a CertificateSummary's keyAlgorithm ("rsa-2048" → 2048); null for other keys. */
export function rsaBitsOf(keyAlgorithm: string): number | null {
  const match = /^rsa-(\d+)$/.exec(keyAlgorithm);
  return match ? Number(match[1]) : null;
}

/** keyAlgorithm as lib/smime's summaries spell it ("rsa-2048", "ec-p256", "ed25519"). */
export function keyMeetsPolicy(keyAlgorithm: string, policy: SecurityPolicy): KeyCheck {
  if (keyAlgorithm === 'rsa') return { ok: false, reason: 'The size of the RSA key cannot be read.' };
  const bits = rsaBitsOf(keyAlgorithm);
  if (bits !== null && bits < policy.minRsaBits) {
    return { ok: false, reason: `The RSA key has ${bits} bits; the organisation's policy requires at least ${policy.minRsaBits}.` };
  }
  return { ok: true };
}

/** Whether mail may be encrypted to (or signed with) this certificate's key. */
export async function certificateKeyAcceptable(certificate: pkijs.Certificate, policy: SecurityPolicy): Promise<KeyCheck> {
  return keyMeetsPolicy((await summarizeCertificate(certificate)).keyAlgorithm, policy);
}
