// One SignatureReport per SignerInfo: the CMS check, the signer's chain, and whether the From
// address is one the certificate names. Reasons are plain sentences for the UI.
import type * as pkijs from 'pkijs';

import { isSmimeError } from '../errors';
import { type AddrSpec, formatAddrSpec, sameAddress } from '../mime/mailbox';
import type { CertificateSummary, SignatureReport } from '../report';
import type { ChainCheck, SignedDataCheck, SignerCheck, SmimeReadEngine } from './engine';

export interface SignatureContext<Trust> {
  engine: SmimeReadEngine<Trust>;
  trust: Trust;
}

export async function signatureReports<Trust>(
  check: SignedDataCheck,
  from: AddrSpec | null,
  extraReasons: string[],
  context: SignatureContext<Trust>,
): Promise<SignatureReport[]> {
  const reports: SignatureReport[] = [];
  for (const signer of check.signers) reports.push(await signatureReport(signer, check, from, extraReasons, context));
  return reports;
}

async function signatureReport<Trust>(
  signer: SignerCheck,
  check: SignedDataCheck,
  from: AddrSpec | null,
  extraReasons: string[],
  { engine, trust }: SignatureContext<Trust>,
): Promise<SignatureReport> {
  const reasons = [...extraReasons, ...signer.reasons];
  if (!signer.intact && signer.reasons.length === 0) {
    reasons.push('The signature does not match the content: the message was changed after it was signed.');
  }
  const certificate = signer.signerCertificate;
  if (!certificate) {
    reasons.push("The signer's certificate is not in the message, so the signer cannot be identified.");
    return {
      signerEmail: null,
      intact: signer.intact,
      chain: 'unknown',
      fromMatchesSigner: false,
      signingTime: signer.signingTime?.toISOString() ?? null,
      algorithm: signer.algorithm,
      weakAlgorithm: signer.weakAlgorithm,
      reasons,
      certificate: null,
      chainCertificates: [],
      revocation: { status: 'not-checked' },
      capabilities: capabilityOids(signer),
      encryptionCertificate: null,
    };
  }
  const chain = await checkChain(certificate, signer, check, engine, trust);
  reasons.push(...chain.reasons);
  if (chain.verdict !== 'trusted' && chain.reasons.length === 0) {
    reasons.push(`The signer's certificate is not trusted (${chain.verdict}).`);
  }
  const emails = engine.certificateEmails(certificate);
  const signerEmail = emails[0] ?? null;
  const fromMatchesSigner = from !== null && emails.some((email) => sameAddress(from, email));
  if (signerEmail === null) reasons.push("The signer's certificate names no email address.");
  else if (from === null) reasons.push("The message has no single valid From address to compare with the signer's address.");
  else if (!fromMatchesSigner) reasons.push(`The signer's address ${signerEmail} does not match the sender ${formatAddrSpec(from)}.`);
  return {
    signerEmail,
    intact: signer.intact,
    chain: chain.verdict,
    fromMatchesSigner,
    signingTime: signer.signingTime?.toISOString() ?? null,
    algorithm: signer.algorithm,
    weakAlgorithm: signer.weakAlgorithm,
    reasons,
    certificate: await engine.summarizeCertificate(certificate),
    chainCertificates: await summarize(chain.path, engine),
    revocation: chain.revocation,
    capabilities: capabilityOids(signer),
    encryptionCertificate: signer.encryptionCertificate ? await engine.summarizeCertificate(signer.encryptionCertificate) : null,
  };
}

const capabilityOids = (signer: SignerCheck) => signer.capabilities?.map((capability) => capability.oid) ?? null;

/** The chain check; a coded failure of the validator itself becomes verdict 'unknown' with its message. */
async function checkChain<Trust>(
  certificate: pkijs.Certificate,
  signer: SignerCheck,
  check: SignedDataCheck,
  engine: SmimeReadEngine<Trust>,
  trust: Trust,
): Promise<ChainCheck> {
  try {
    return await engine.validateCertificate(
      certificate,
      { purpose: 'signing', messageCertificates: check.certificates, signingTime: signer.signingTime, crls: check.crls },
      trust,
    );
  } catch (error) {
    if (!isSmimeError(error)) throw error;
    return { verdict: 'unknown', reasons: [error.message], path: [], revocation: { status: 'not-checked' } };
  }
}

export async function summarize<Trust>(certificates: pkijs.Certificate[], engine: SmimeReadEngine<Trust>): Promise<CertificateSummary[]> {
  const out: CertificateSummary[] = [];
  for (const certificate of certificates) out.push(await engine.summarizeCertificate(certificate));
  return out;
}
