// What sending a protected message means, decided before any byte is signed or encrypted: each
// recipient's certificate, whether the policy and the user's choices allow the send, and the
// envelopes to submit. The rules (issue 5, "Composing"):
// - To and Cc get one message, encrypted to all of them and to the sender (encrypt-to-self: the
//   same bytes go to Sent and stay readable there).
// - Each Bcc recipient gets an envelope of their own, encrypted to them and the sender only, so
//   nobody learns a Bcc recipient from the RecipientInfos (RFC 8551 section 3.3 leaves it to us).
// - A recipient without a usable certificate blocks the send, unless the user explicitly chose
//   to send them an unencrypted copy and the policy allows it; that copy is still signed.
import type * as pkijs from 'pkijs';

import type { SecurityPolicy, SendCipherChoice, SignatureHash } from '../policy/security-policy';
import { type HeaderProtection, chooseSendCipher, type Identity } from '../smime';
import { type AssessDependencies, type RecipientAssessment, assessRecipients, normalizeAddress } from './recipient-assessment';

export type RecipientField = 'to' | 'cc' | 'bcc';
export type SigningHash = Exclude<SignatureHash, 'SHA-1'>;

export interface SendChoices {
  /** The sender's address (From). */
  from: string;
  to: string[];
  cc: string[];
  bcc: string[];
  sign: boolean;
  encrypt: boolean;
  /** Clear (multipart/signed) or opaque signing; the policy's default when absent. */
  signingFormat?: 'clear' | 'opaque';
  /** Recipients the user explicitly chose to send an unencrypted copy (only those without a usable certificate count). */
  sendUnencryptedTo: string[];
  /** Attach the sender's certificate (certs-only smime.p7c); the plan only carries it through. */
  attachOwnCertificate?: boolean;
  /** Send the Subject as "[...]" outside the encryption (RFC 9788), as the message answered did. */
  hideSubject?: boolean;
}

export interface SenderKeys {
  /** The identity that signs mail from `from`, null when the user has none. */
  signer: Identity | null;
  /** The sender's own encryption certificate (encrypt-to-self), null when none. */
  ownCertificate: pkijs.Certificate | null;
}

/** How one recipient is reached: 'encrypted', 'unencrypted' (the user's explicit choice), 'plain' (Encrypt is off), 'blocked'. */
export type Delivery = 'encrypted' | 'unencrypted' | 'plain' | 'blocked';

export interface RecipientPlan {
  address: string;
  field: RecipientField;
  delivery: Delivery;
  /** Null when Encrypt is off (no certificate is looked up). */
  assessment: RecipientAssessment | null;
}

export type SendProblemCode =
  | 'no-recipients'
  | 'signing-required'
  | 'encryption-required'
  | 'no-signing-identity'
  | 'weak-signing-key'
  | 'no-own-certificate'
  | 'recipient-not-encryptable'
  | 'no-allowed-cipher'
  | 'no-allowed-hash'
  /** The organisation's policy and roots could not be loaded: nothing is protected (or sent) on a guess. */
  | 'security-settings-unavailable';

export interface SendProblem {
  code: SendProblemCode;
  message: string;
  /** For 'recipient-not-encryptable'. */
  address?: string;
}

/** One submission: the same message, encrypted (or not) for these recipients. */
export interface SendEnvelope {
  /** 'main': To and Cc, stored in Sent; 'bcc': one Bcc recipient; 'unencrypted': the explicit plain copies. */
  kind: 'main' | 'bcc' | 'unencrypted';
  /** SMTP envelope recipients (may be empty for 'main' when all recipients are Bcc: then it only goes to Sent). */
  to: string[];
  /** Certificates to encrypt to, the sender's last; empty: not encrypted. */
  encryptTo: pkijs.Certificate[];
  cipher: SendCipherChoice | null;
}

export interface SendPlan {
  recipients: RecipientPlan[];
  blocked: boolean;
  problems: SendProblem[];
  sign: boolean;
  encrypt: boolean;
  signer: Identity | null;
  signing: { format: 'clear' | 'opaque'; hash: SigningHash } | null;
  attachOwnCertificate: boolean;
  /**
   * RFC 9788 header protection for the content: "clear" when it also travels unencrypted (signed
   * only, or an explicit unencrypted copy), "cipher" when every copy is encrypted; null: nothing protected.
   */
  headerProtection: HeaderProtection | null;
  /** The main message first. Empty when blocked. */
  envelopes: SendEnvelope[];
}

const SIGNING_HASHES: SigningHash[] = ['SHA-256', 'SHA-384', 'SHA-512'];

/**
 * The content cipher for recipients with these announced capabilities: lib/smime's choice
 * (AES-256-GCM only when all read it), kept within the policy's list, in the policy's order.
 */
export function policyCipher(capabilities: (string[] | null)[], policy: SecurityPolicy): SendCipherChoice | null {
  const chosen = chooseSendCipher(
    capabilities.map((oids) => oids?.map((oid) => ({ oid })) ?? null),
    { everyoneReadsGcm: policy.everyoneReadsGcm },
  );
  if (policy.allowedSendCiphers.includes(chosen)) return chosen;
  const readsGcm = chosen === 'aes-256-gcm';
  // GCM that some recipient may not read is never chosen unless the policy leaves nothing else.
  return policy.allowedSendCiphers.find((c) => readsGcm || c.endsWith('-cbc')) ?? policy.allowedSendCiphers[0] ?? null;
}

/** The first hash the policy allows that we sign with (never SHA-1). */
export function policyHash(policy: SecurityPolicy): SigningHash | null {
  return policy.allowedSignatureHashes.find((h): h is SigningHash => (SIGNING_HASHES as string[]).includes(h)) ?? null;
}

function listed(choices: SendChoices): { address: string; field: RecipientField }[] {
  const seen = new Set<string>();
  const out: { address: string; field: RecipientField }[] = [];
  for (const field of ['to', 'cc', 'bcc'] as const) {
    for (const raw of choices[field]) {
      const address = normalizeAddress(raw);
      // Listed twice (To and Bcc): the more visible field wins, so no separate Bcc envelope reveals it twice.
      if (seen.has(address)) continue;
      seen.add(address);
      out.push({ address, field });
    }
  }
  return out;
}

/**
 * Decides the send from the recipients' assessments (synchronous: the UI calls it on every
 * change). `assessments` must hold every recipient when `choices.encrypt` is on.
 */
export function decideSend(choices: SendChoices, keys: SenderKeys, assessments: Map<string, RecipientAssessment>, policy: SecurityPolicy): SendPlan {
  const problems: SendProblem[] = [];
  const recipients = listed(choices);
  const explicit = new Set(choices.sendUnencryptedTo.map(normalizeAddress));
  if (recipients.length === 0) problems.push({ code: 'no-recipients', message: 'Add at least one recipient.' });
  if (policy.requireSigning && !choices.sign) problems.push({ code: 'signing-required', message: 'Your organisation requires every message to be signed.' });
  if (policy.requireEncryption && !choices.encrypt) problems.push({ code: 'encryption-required', message: 'Your organisation requires every message to be encrypted.' });

  let signing: SendPlan['signing'] = null;
  if (choices.sign) {
    const hash = policyHash(policy);
    if (!keys.signer) problems.push({ code: 'no-signing-identity', message: `You have no certificate to sign mail from ${choices.from}. Import one in Settings, or turn Sign off.` });
    else if (keys.signer.key.modulusBits !== undefined && keys.signer.key.modulusBits < policy.minRsaBits) {
      problems.push({ code: 'weak-signing-key', message: `Your signing key has ${keys.signer.key.modulusBits} bits; the policy asks for at least ${policy.minRsaBits}.` });
    }
    if (!hash) problems.push({ code: 'no-allowed-hash', message: 'The policy allows no hash this app signs with.' });
    signing = { format: choices.signingFormat ?? policy.defaultSigningFormat, hash: hash ?? 'SHA-256' };
  }

  const plans: RecipientPlan[] = recipients.map(({ address, field }) => {
    if (!choices.encrypt) return { address, field, delivery: 'plain', assessment: null };
    const assessment = assessments.get(address) ?? null;
    if (assessment?.state === 'valid') return { address, field, delivery: 'encrypted', assessment };
    if (explicit.has(address) && policy.allowUnencryptedToRecipientsWithoutCertificate) return { address, field, delivery: 'unencrypted', assessment };
    return { address, field, delivery: 'blocked', assessment };
  });
  for (const p of plans.filter((r) => r.delivery === 'blocked')) {
    const why = p.assessment?.reasons[0] ?? `No certificate for ${p.address} was found.`;
    const way = policy.allowUnencryptedToRecipientsWithoutCertificate ? ' Choose to send this recipient an unencrypted copy, or remove them.' : ' Remove this recipient (the policy allows no unencrypted copies).';
    problems.push({ code: 'recipient-not-encryptable', address: p.address, message: `${p.address} cannot receive encrypted mail: ${why}${way}` });
  }
  if (choices.encrypt && !keys.ownCertificate) {
    problems.push({ code: 'no-own-certificate', message: `You have no encryption certificate for ${choices.from}: your copy in Sent could not be read. Import one in Settings, or turn Encrypt off.` });
  }

  const envelopes: SendEnvelope[] = [];
  if (choices.encrypt && keys.ownCertificate) {
    const own = keys.ownCertificate;
    const envelope = (kind: SendEnvelope['kind'], members: RecipientPlan[]): SendEnvelope => {
      const cipher = policyCipher(members.map((m) => m.assessment!.capabilities), policy);
      return { kind, to: members.map((m) => m.address), encryptTo: [...members.map((m) => m.assessment!.certificate!), own], cipher };
    };
    const encrypted = plans.filter((p) => p.delivery === 'encrypted');
    envelopes.push(envelope('main', encrypted.filter((p) => p.field !== 'bcc')));
    for (const bcc of encrypted.filter((p) => p.field === 'bcc')) envelopes.push(envelope('bcc', [bcc]));
    const plain = plans.filter((p) => p.delivery === 'unencrypted');
    const plainVisible = plain.filter((p) => p.field !== 'bcc').map((p) => p.address);
    if (plainVisible.length) envelopes.push({ kind: 'unencrypted', to: plainVisible, encryptTo: [], cipher: null });
    for (const bcc of plain.filter((p) => p.field === 'bcc')) envelopes.push({ kind: 'unencrypted', to: [bcc.address], encryptTo: [], cipher: null });
    if (envelopes.some((e) => e.encryptTo.length && !e.cipher)) problems.push({ code: 'no-allowed-cipher', message: 'The policy allows no content cipher to encrypt with.' });
  } else if (!choices.encrypt) {
    envelopes.push({ kind: 'main', to: plans.map((p) => p.address), encryptTo: [], cipher: null });
  }

  const blocked = problems.length > 0;
  const everyCopyEncrypted = envelopes.length > 0 && envelopes.every((e) => e.encryptTo.length > 0);
  const headerProtection: HeaderProtection | null = everyCopyEncrypted
    ? { mode: 'cipher', hideSubject: choices.hideSubject ?? false }
    : choices.sign
      ? { mode: 'clear' }
      : null;
  return {
    recipients: plans,
    blocked,
    problems,
    sign: choices.sign,
    encrypt: choices.encrypt,
    signer: choices.sign ? keys.signer : null,
    signing,
    attachOwnCertificate: choices.attachOwnCertificate ?? false,
    headerProtection,
    envelopes: blocked ? [] : envelopes,
  };
}

/** Looks every recipient's certificate up and checks it (when Encrypt is on), then decides. */
export async function planProtectedSend(choices: SendChoices, keys: SenderKeys, deps: AssessDependencies): Promise<SendPlan> {
  const assessments = choices.encrypt ? await assessRecipients([...choices.to, ...choices.cc, ...choices.bcc], deps) : new Map<string, RecipientAssessment>();
  return decideSend(choices, keys, assessments, deps.policy);
}
