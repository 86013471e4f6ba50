// What "Security details" lists, from the MessageReport: every signature (of the whole message or,
// for a partly signed one, of a part) with its signer's chain, and the certificates that opened
// it. Pure: the dialog only draws these rows.
import type { CertificateSummary, ChainVerdict, MessageReport, RevocationReport, SignatureReport } from '../smime';
import { signerName } from './security-banner';

export interface SignerDetails {
  /** "The whole message" or "Part 1.2" (a signed part of a partly signed message). */
  scope: string;
  signer: string;
  signature: SignatureReport;
  /** Signer first, then its issuers (the signer's own certificate alone when no path was found). */
  chain: CertificateSummary[];
}

export interface SecurityDetails {
  signers: SignerDetails[];
  /** Your certificates whose keys opened the message. */
  decryptedFor: CertificateSummary[];
  /** Certificates carried by certs-only layers (a certificate bundle), not tied to a signature. */
  carried: CertificateSummary[];
}

export function securityDetails(report: MessageReport, decryptedFor: CertificateSummary[]): SecurityDetails {
  const signers: SignerDetails[] = [];
  const carried: CertificateSummary[] = [];
  for (const layer of report.layers) {
    for (const signature of layer.signatures ?? []) {
      const chain = signature.chainCertificates.length ? signature.chainCertificates : signature.certificate ? [signature.certificate] : [];
      signers.push({ scope: layer.partPath ? `Part ${layer.partPath}` : 'The whole message', signer: signerName(signature), signature, chain });
    }
    if (layer.kind === 'certs-only') carried.push(...(layer.certificates ?? []));
  }
  return { signers, decryptedFor, carried };
}

const VERDICTS: Record<ChainVerdict, string> = {
  trusted: 'Trusted: the chain reaches a certificate authority you trust.',
  'untrusted-root': 'Not trusted: no certificate authority you trust issued it.',
  expired: 'Expired, or not valid when the message was signed.',
  revoked: 'Revoked by its issuer.',
  'wrong-usage': 'Not allowed to sign mail (key usage).',
  unknown: 'Unknown: revocation could not be checked.',
};

export const chainVerdictText = (verdict: ChainVerdict) => VERDICTS[verdict];

const when = (iso: string | undefined) => (iso ? new Date(iso).toISOString().replace('T', ' ').replace(/\.\d+Z$/, ' UTC') : null);

/** The revocation status in words, with where it came from and when it was checked. */
export function revocationText(r: RevocationReport): string {
  const source = r.source ? ` (${r.source.toUpperCase()})` : '';
  const at = when(r.checkedAt);
  const checked = at ? `, checked ${at}` : '';
  const reason = r.reason ? `: ${r.reason}` : '';
  switch (r.status) {
    case 'good':
      return `Not revoked${source}${checked}.`;
    case 'revoked':
      return `Revoked${source}${checked}${reason}.`;
    case 'unknown':
      return `Unknown${source}${checked}${reason}.`;
    case 'not-checked':
      return `Not checked${reason || ' (revocation checking is off, or the chain is not trusted)'}.`;
  }
}

/** "Aa:Bb:…" fingerprints in groups a person can compare; lib/smime gives plain hex. */
export const formatFingerprint = (hex: string) => (hex.match(/../g) ?? []).join(':').toUpperCase();

export const formatDate = (iso: string) => when(iso) ?? iso;
