// The security banner's content, decided from lib/smime's MessageReport alone (STYLE.md 6: the
// UI picks its badge from the verdict, never from what the message says about itself). Pure, so
// every sentence is unit-tested; components/mail/security-banner.tsx only draws it.
import { signatureMeetsPolicy } from '../policy/signature-policy';
import type { SecurityPolicy } from '../policy/security-policy';
import type { CertificateSummary, ContentCipherName, LayerReport, MessageReport, SignatureReport } from '../smime';
import { headerChangeSentences } from './header-changes';

export type BannerTone = 'good' | 'info' | 'warning' | 'danger';

export interface BannerLine {
  kind: 'signature' | 'encryption' | 'warning';
  tone: BannerTone;
  text: string;
}

export interface SecurityBannerModel {
  /** The worst tone of its lines: the banner's colour. */
  tone: BannerTone;
  /** The first line is the headline. */
  lines: BannerLine[];
  /** Offer "Unlock": the keystore is locked and can be asked to unlock. */
  unlock: boolean;
  /** There are signers or certificates to show in "Security details". */
  details: boolean;
}

/** Why the reader could not read a protected message, apart from what the report says. */
export type ReadProblem =
  /** The keystore's passphrase lock is on: no private key could be used. */
  | { code: 'keystore-locked'; canUnlock: boolean }
  /** The user has no identity with a private key (none imported, or no keystore yet). */
  | { code: 'no-identities' }
  /** lib/smime, the trust settings or the keystore failed outright. */
  | { code: 'read-failed'; message: string };

export interface BannerInput {
  /** null when reading failed before a report existed (then `problem` says why). */
  report: MessageReport | null;
  /** Your certificates whose keys opened the message. */
  decryptedFor: CertificateSummary[];
  problem: ReadProblem | null;
  keyChangeWarnings: { address: string; message: string }[];
  /** The message's From address, for the "signer differs from From" sentence. */
  from: string | null;
  /**
   * The organisation's policy (allowed hashes, smallest RSA key): a signature that breaks it is
   * never shown as verified. Null when there is no trust source (then nothing is trusted anyway).
   */
  policy: SecurityPolicy | null;
}

const SEVERITY: Record<BannerTone, number> = { good: 0, info: 1, warning: 2, danger: 3 };

const CIPHER_NAMES: Record<ContentCipherName, string> = {
  'aes-128-cbc': 'AES-128-CBC',
  'aes-192-cbc': 'AES-192-CBC',
  'aes-256-cbc': 'AES-256-CBC',
  'aes-128-gcm': 'AES-128-GCM',
  'aes-192-gcm': 'AES-192-GCM',
  'aes-256-gcm': 'AES-256-GCM',
  'des-ede3-cbc': 'Triple DES (DES-EDE3-CBC)',
  'rc2-40': 'RC2 with 40-bit keys',
  'rc2-64': 'RC2 with 64-bit keys',
  'rc2-128': 'RC2 with 128-bit keys',
};

export const cipherName = (cipher: ContentCipherName | null | undefined) => (cipher ? CIPHER_NAMES[cipher] : 'an unknown cipher');

/** Who signed: the certificate's address, else its subject, so the user sees the name the certificate vouches for. */
export function signerName(signature: SignatureReport): string {
  if (signature.signerEmail) return signature.signerEmail;
  const cn = /(?:^|,\s*)CN=([^,]+)/.exec(signature.certificate?.subject ?? '')?.[1];
  return cn ?? signature.certificate?.subject ?? 'an unknown signer';
}

/** A certificate of yours, as the user can recognise it. */
export function certificateLabel(certificate: CertificateSummary): string {
  const name = certificate.emails[0] ?? /(?:^|,\s*)CN=([^,]+)/.exec(certificate.subject)?.[1] ?? certificate.subject;
  return `${name} (serial ${certificate.serialNumber})`;
}

interface Finding {
  tone: BannerTone;
  rank: number;
  text: string;
}

/** The policy's verdict on a signature: lib/smime checks the mathematics, the organisation decides what it accepts. */
export function policyReasons(s: Pick<SignatureReport, 'algorithm' | 'certificate'>, policy: SecurityPolicy | null): string[] {
  return policy ? signatureMeetsPolicy(s, policy).reasons : [];
}

/** Everything wrong with one intact-or-not signature, most severe first; empty when it is verified. */
function signatureFindings(s: SignatureReport, from: string | null, policy: SecurityPolicy | null): Finding[] {
  const who = signerName(s);
  const out: Finding[] = [];
  if (!s.intact) out.push({ tone: 'danger', rank: 100, text: `The signature does not match: this message was changed after ${who} signed it.` });
  if (s.chain === 'revoked') out.push({ tone: 'danger', rank: 90, text: `Signed by ${who}, but the signer's certificate has been revoked.` });
  if (!s.fromMatchesSigner) out.push({ tone: 'danger', rank: 80, text: fromMismatch(who, s.signerEmail, from) });
  if (s.chain === 'untrusted-root')
    out.push({ tone: 'warning', rank: 70, text: `Signed by ${who}, but the signer is not trusted: no certificate authority you trust issued the certificate.` });
  if (s.chain === 'expired')
    out.push({ tone: 'warning', rank: 60, text: `Signed by ${who}, but the signer's certificate has expired or was not valid when the message was signed.` });
  if (s.chain === 'wrong-usage') out.push({ tone: 'warning', rank: 50, text: `Signed by ${who}, but the signer's certificate may not be used to sign mail.` });
  const refused = policyReasons(s, policy);
  if (refused.length > 0)
    out.push({ tone: 'warning', rank: 45, text: `Signed by ${who}, but your organisation's policy does not accept this signature. ${refused.join(' ')}` });
  if (s.weakAlgorithm) out.push({ tone: 'warning', rank: 40, text: `Signed by ${who} with a weak algorithm (${s.algorithm}): the signature proves little.` });
  if (s.chain === 'unknown') out.push({ tone: 'warning', rank: 30, text: `Signed by ${who}, but whether the signer's certificate was revoked could not be checked.` });
  return out.sort((a, b) => b.rank - a.rank);
}

/**
 * lib/smime compares the signer with the From field by addr-spec, strictly (I2: an unquoted address
 * as display name, an empty From or two From fields never match). The address the app shows may
 * then be the signer's own: say the From field is the problem, not "from <the signer>".
 */
function fromMismatch(who: string, signerEmail: string | null, from: string | null): string {
  const sameAddress = from !== null && signerEmail !== null && from.toLowerCase() === signerEmail.toLowerCase();
  if (from === null || sameAddress)
    return `Signed by ${who}, but the message's From field is not one plain address, so the signer cannot be matched with the sender.`;
  return `Signed by ${who}, but the message says it is from ${from}.`;
}

const ENCRYPTION_FAILURES: Record<string, string> = {
  'no-matching-recipient': 'it was not encrypted for any of your certificates.',
  'decryption-failed': 'decryption failed (the message is damaged, or it was not encrypted for this key).',
  'unsupported-algorithm': 'it uses an algorithm this app does not support.',
};

function decryptionFailure(code: string, message: string, problem: ReadProblem | null): { text: string; unlock: boolean } {
  const prefix = 'This message is encrypted and cannot be decrypted: ';
  if (problem?.code === 'keystore-locked') return { text: `${prefix}your keystore is locked. Unlock it to read this message.`, unlock: problem.canUnlock };
  if (problem?.code === 'no-identities')
    return { text: `${prefix}you have no S/MIME certificate with a private key here. Import yours (PKCS#12) in Settings.`, unlock: false };
  // A card key that cannot be used now (PIN cancelled, card pulled): the card's own coded sentence, and a way out.
  if (code === 'key-unavailable') return { text: `${prefix}the key on your smart card could not be used. ${message} Open the message again to try again.`, unlock: false };
  if (code === 'key-operation-failed') return { text: `${prefix}your key could not be used (${message}). If it is on a smart card, insert the card.`, unlock: false };
  return { text: prefix + (ENCRYPTION_FAILURES[code] ?? message), unlock: false };
}

/** The banner for a message lib/smime read; null when the message has no S/MIME at all. */
export function securityBanner(input: BannerInput): SecurityBannerModel | null {
  const { report, problem } = input;
  const lines: BannerLine[] = [];
  let unlock = false;

  if (!report) {
    if (!problem) return null;
    const text =
      problem.code === 'read-failed'
        ? `The protection of this message could not be checked: ${problem.message}`
        : decryptionFailure('', '', problem).text;
    lines.push({ kind: 'signature', tone: 'danger', text });
    return finish(lines, problem.code === 'keystore-locked' && problem.canUnlock, false);
  }

  const envelopes = report.layers.filter((l) => l.kind === 'enveloped' || l.kind === 'auth-enveloped');
  const failedEnvelope = envelopes.find((l) => l.errors.length > 0);
  if (failedEnvelope) {
    const error = failedEnvelope.errors[0]!;
    const failure = decryptionFailure(error.code, error.message, problem);
    unlock = failure.unlock;
    lines.push({ kind: 'encryption', tone: 'danger', text: failure.text });
  } else if (report.encrypted) {
    const mine = input.decryptedFor.map(certificateLabel);
    const forWhom = mine.length ? ` for your certificate ${mine.join(' and ')}` : '';
    lines.push({ kind: 'encryption', tone: 'good', text: `Encrypted with ${cipherName(report.contentCipher)}${forWhom}.` });
    if (report.weakCipher)
      lines.push({
        kind: 'warning',
        tone: 'warning',
        text: `It was encrypted with a weak, outdated cipher (${cipherName(report.contentCipher)}): others may be able to read it. Ask the sender to use AES.`,
      });
  }

  const signatureLayers = report.layers.filter((l) => l.kind === 'clear-signed' || l.kind === 'opaque-signed');
  // A signer outside the encryption signed ciphertext only (E10, message takeover): not the author.
  const envelopeOnly = (l: LayerReport) => l.signs === 'encrypted-content';
  const contentSignatures = signatureLayers.filter((l) => !envelopeOnly(l)).flatMap((l) => l.signatures ?? []);
  const envelopeSignatures = signatureLayers.filter(envelopeOnly).flatMap((l) => l.signatures ?? []);
  if (report.signed) {
    // Signed as a whole and every signature intact: trust, From and algorithm decide the words.
    const authors = contentSignatures.length > 0 ? contentSignatures : report.signatures;
    const findings = authors.map((s) => signatureFindings(s, input.from, input.policy));
    const worst = findings.flat().sort((a, b) => b.rank - a.rank);
    if (worst.length === 0) {
      const names = [...new Set(authors.map(signerName))];
      lines.push({ kind: 'signature', tone: 'good', text: `Signed by ${names.join(' and ')}, verified.` });
    } else {
      lines.push({ kind: 'signature', tone: worst[0]!.tone, text: worst[0]!.text });
      for (const f of worst.slice(1)) lines.push({ kind: 'warning', tone: f.tone, text: f.text });
    }
    const authorNames = new Set(authors.map(signerName));
    const others = [...new Set(envelopeSignatures.map(signerName))].filter((n) => !authorNames.has(n));
    if (others.length > 0) lines.push({ kind: 'warning', tone: 'info', text: envelopeSignerSentence(others, 'also') });
  } else if (envelopeSignatures.length > 0 && contentSignatures.length === 0 && envelopeSignatures.every((s) => s.intact)) {
    const names = [...new Set(envelopeSignatures.map(signerName))];
    lines.push({ kind: 'signature', tone: 'warning', text: `${envelopeSignerSentence(names, 'only')} It is not shown as signed.` });
  } else if (report.partial) {
    lines.push({ kind: 'signature', tone: 'warning', text: 'Only part of this message is signed; the rest could have been written by anyone. It is not shown as signed.' });
  } else if (signatureLayers.length > 0) {
    // A signature layer at the root that did not hold: changed content, or a signature that cannot be checked.
    const broken = report.signatures.find((s) => !s.intact);
    const layerError = signatureLayers.flatMap((l) => l.errors)[0];
    const text = broken
      ? signatureFindings(broken, input.from, input.policy)[0]!.text
      : `The signature cannot be checked: ${layerError?.message ?? 'it is malformed.'}`;
    lines.push({ kind: 'signature', tone: 'danger', text });
  } else if (report.encrypted && !failedEnvelope) {
    lines.push({ kind: 'signature', tone: 'info', text: 'It is not signed: nothing proves who sent it.' });
  }

  if (lines.length === 0 && report.errors.length > 0) {
    lines.push({ kind: 'signature', tone: 'danger', text: `The S/MIME content of this message cannot be read: ${report.errors[0]!.message}` });
  }
  if (lines.length === 0 && problem?.code === 'read-failed') {
    lines.push({ kind: 'signature', tone: 'danger', text: `The protection of this message could not be checked: ${problem.message}` });
  }
  // RFC 9788: outer header fields changed or added in transit (the reader shows the protected ones).
  for (const text of headerChangeSentences(report.protectedHeaders)) lines.push({ kind: 'warning', tone: 'warning', text });
  for (const w of input.keyChangeWarnings) lines.push({ kind: 'warning', tone: 'warning', text: `Certificate change for ${w.address}: ${w.message}` });
  if (lines.length === 0) return null;

  const details = report.layers.some((l) => (l.signatures?.length ?? 0) > 0 || (l.certificates?.length ?? 0) > 0) || input.decryptedFor.length > 0;
  return finish(lines, unlock, details);
}

/** Signers of the encrypted envelope alone: they may never have read what it holds. */
function envelopeSignerSentence(names: string[], how: 'only' | 'also'): string {
  const who = names.join(' and ');
  return how === 'only'
    ? `${who} signed only the encrypted envelope, not the message inside: that does not show who wrote it.`
    : `${who} also signed the encrypted envelope; that signature covers only the encrypted form, not what the message says.`;
}

function finish(lines: BannerLine[], unlock: boolean, details: boolean): SecurityBannerModel {
  const tone = lines.reduce<BannerTone>((worst, l) => (SEVERITY[l.tone] > SEVERITY[worst] ? l.tone : worst), 'good');
  return { tone, lines, unlock, details };
}
