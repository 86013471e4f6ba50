'use client';

import { useCallback, useEffect, useMemo, useRef, useState } from 'react';

import { attachCertificates } from '@/lib/compose/attach-certificate';
import { type BuildStep, type ProtectedSubmission, buildProtected, encryptDraft, localSmime } from '@/lib/compose/build-protected';
import { type CertificateState, type RecipientAssessment, assessRecipients, normalizeAddress } from '@/lib/compose/recipient-assessment';
import { type RecipientField, type SendChoices, type SendPlan, type SenderKeys, decideSend, planProtectedSend, policyCipher } from '@/lib/compose/send-plan';
import { DEFAULT_SECURITY_POLICY, type SecurityPolicy } from '@/lib/policy/security-policy';
import { sameCertificate } from '@/lib/smime';

import type { TrustSource } from '@/stores/security-contracts';

import type { ComposeSecurity } from './security-context';

/** How long after the last change to the recipients their certificates are looked up. */
export const CERTIFICATE_LOOKUP_DELAY_MS = 400;

export interface RecipientRow {
  address: string;
  field: RecipientField;
  /** 'checking' while the look-up runs. */
  state: CertificateState | 'checking';
  origin: RecipientAssessment['origin'];
  reasons: string[];
  /** The user chose to send this recipient an unencrypted copy. */
  unencrypted: boolean;
}

export type ProtectStage = 'checking' | 'signing' | { encrypting: number; of: number };

/** A draft of this message can be saved: as it is, encrypted to the sender, or not at all (and why). */
export type DraftProtection = { mode: 'plain' } | { mode: 'encrypt'; save: (raw: Uint8Array) => Promise<Uint8Array> } | { mode: 'refuse'; message: string };

export class SendBlockedError extends Error {
  constructor(readonly problems: SendPlan['problems']) {
    super(problems.map((p) => p.message).join(' '));
    this.name = 'SendBlockedError';
  }
}

/** Why nothing was sent when the organisation's security settings could not be loaded, with the store's reason. */
export function settingsUnavailable(cause: unknown): string {
  const reason = cause instanceof Error && cause.message ? ` (${cause.message.replace(/\.$/, '')})` : '';
  return `The organisation's security settings could not be loaded${reason}, so the message was not signed, encrypted or sent. Try again in a moment.`;
}

/** The organisation's policy once the trust source has it, null until then (it throws while loading). */
export function currentPolicy(trust: Pick<TrustSource, 'policy'>): SecurityPolicy | null {
  try {
    return trust.policy();
  } catch {
    return null;
  }
}

function useLoadedPolicy(security: ComposeSecurity | null): SecurityPolicy | null {
  const [policy, setPolicy] = useState(() => (security ? currentPolicy(security.trust) : null));
  useEffect(() => {
    if (!security || policy) return;
    let live = true;
    // trustSettings() waits for the load (and retries a failed one); its failure leaves the default shown.
    security.trust.trustSettings().then(
      () => live && setPolicy(currentPolicy(security.trust)),
      () => {},
    );
    return () => {
      live = false;
    };
  }, [security, policy]);
  return policy;
}

type Keys = { state: 'loading' } | ({ state: 'ready' } & SenderKeys) | { state: 'error'; message: string };

/**
 * The composer's Sign and Encrypt state: the toggles (defaults from the policy and from the
 * message answered), the sender's keys, each recipient's certificate, the user's explicit
 * unencrypted copies, and the protected send itself. Inert (enabled: false) without `security`.
 */
export function useSecurityChoices(
  security: ComposeSecurity | null,
  from: string,
  recipients: Record<RecipientField, string[]>,
  startEncrypted: boolean,
  hideSubject = false,
) {
  // The organisation's policy arrives with GET /api/security, maybe after the composer opened:
  // until then the toggles show the default policy, and protect() waits for the real one.
  const loadedPolicy = useLoadedPolicy(security);
  const policy = loadedPolicy ?? DEFAULT_SECURITY_POLICY;
  // The user's sending defaults (Settings → Sending) are read when the composer opens.
  const [sign, setSign] = useState(() => policy.requireSigning || (security?.defaults?.().sign ?? false));
  const [encrypt, setEncrypt] = useState(() => policy.requireEncryption || startEncrypted || (security?.defaults?.().encrypt ?? false));
  const [attachCertificate, setAttachCertificate] = useState(false);
  const [unencrypted, setUnencrypted] = useState<Set<string>>(() => new Set());
  const [keys, setKeys] = useState<Keys>({ state: 'loading' });
  // Bumped when the keys on offer change (a card connected while the composer is open).
  const [keysVersion, setKeysVersion] = useState(0);
  useEffect(() => security?.identities.onChange?.(() => setKeysVersion((v) => v + 1)), [security]);
  const [assessments, setAssessments] = useState<Map<string, RecipientAssessment>>(() => new Map());

  useEffect(() => {
    if (!security) return;
    let live = true;
    Promise.all([security.identities.signingIdentity(from), security.identities.ownEncryptionCertificate(from)]).then(
      ([signer, ownCertificate]) => live && setKeys({ state: 'ready', signer, ownCertificate }),
      () => live && setKeys({ state: 'error', message: 'Your keys could not be read. Is the keystore locked?' }),
    );
    return () => {
      live = false;
    };
  }, [security, from, keysVersion]);

  // Look up the recipients' certificates a little after the user stops typing; each address once.
  const addressKey = [...recipients.to, ...recipients.cc, ...recipients.bcc].map(normalizeAddress).join(',');
  const asked = useRef(new Set<string>());
  useEffect(() => {
    if (!security || !encrypt || !addressKey) return;
    const missing = addressKey.split(',').filter((a) => !asked.current.has(a));
    if (!missing.length) return;
    const timer = setTimeout(() => {
      for (const a of missing) asked.current.add(a);
      void (async () => {
        try {
          const trust = await security.trust.trustSettings();
          // The organisation's policy has loaded by now, even when the composer opened before it.
          const found = await assessRecipients(missing, { certificates: security.certificates, trust, policy: currentPolicy(security.trust) ?? policy });
          setAssessments((old) => new Map([...old, ...found]));
        } catch {
          for (const a of missing) asked.current.delete(a);
          const failed = missing.map((address): [string, RecipientAssessment] => [
            address,
            { address, state: 'lookup-failed', certificate: null, origin: null, capabilities: null, reasons: ['The trust settings could not be read.'] },
          ]);
          setAssessments((old) => new Map([...old, ...failed]));
        }
      })();
    }, CERTIFICATE_LOOKUP_DELAY_MS);
    return () => clearTimeout(timer);
  }, [security, encrypt, addressKey, policy]);

  const choices = useCallback(
    (current: SecurityPolicy): SendChoices => ({
      from,
      ...recipients,
      sign: sign || current.requireSigning,
      encrypt: encrypt || current.requireEncryption,
      signingFormat: security?.signingFormat?.() ?? current.defaultSigningFormat,
      sendUnencryptedTo: [...unencrypted],
      attachOwnCertificate: attachCertificate,
      hideSubject,
    }),
    [from, recipients, sign, encrypt, security, unencrypted, attachCertificate, hideSubject],
  );

  const plan = useMemo(() => (keys.state === 'ready' ? decideSend(choices(policy), keys, assessments, policy) : null), [keys, choices, assessments, policy]);

  const rows: RecipientRow[] = (plan?.recipients ?? []).map((r) => {
    const a = assessments.get(r.address);
    return { address: r.address, field: r.field, state: a?.state ?? 'checking', origin: a?.origin ?? null, reasons: a?.reasons ?? [], unencrypted: unencrypted.has(r.address) };
  });

  const chooseUnencrypted = useCallback((address: string, on: boolean) => {
    setUnencrypted((old) => {
      const next = new Set(old);
      if (on) next.add(normalizeAddress(address));
      else next.delete(normalizeAddress(address));
      return next;
    });
  }, []);

  /**
   * The bytes to submit for `raw` (built without Bcc), checked afresh against the trust
   * settings; null when neither Sign, Encrypt nor "Attach my certificate" is on (send as before).
   * Throws SendBlockedError with the reasons when the send is not allowed.
   */
  const protect = useCallback(
    async (raw: Uint8Array, onStage: (stage: ProtectStage) => void): Promise<ProtectedSubmission | null> => {
      if (!security) return null;
      // Never decided on the default policy: wait for the organisation's (fail closed when it cannot load).
      const trustSettings = async () => {
        try {
          return await security.trust.trustSettings();
        } catch (e) {
          throw new SendBlockedError([{ code: 'security-settings-unavailable', message: settingsUnavailable(e) }]);
        }
      };
      let current = loadedPolicy;
      if (!current) {
        await trustSettings();
        current = security.trust.policy();
      }
      const wanted = choices(current);
      if (!wanted.sign && !wanted.encrypt && !wanted.attachOwnCertificate) return null;
      if (keys.state !== 'ready') throw new SendBlockedError([{ code: 'no-signing-identity', message: keys.state === 'error' ? keys.message : 'Your keys are still being read. Try again in a moment.' }]);
      onStage('checking');
      const trust = await trustSettings();
      const fresh = await planProtectedSend(wanted, keys, { certificates: security.certificates, trust, policy: current });
      setAssessments((old) => new Map([...old, ...fresh.recipients.flatMap((r) => (r.assessment ? [[r.address, r.assessment] as const] : []))]));
      if (fresh.blocked) throw new SendBlockedError(fresh.problems);
      let content = raw;
      if (wanted.attachOwnCertificate) {
        const own = [keys.signer?.certificate, keys.ownCertificate, ...(keys.signer?.chain ?? [])].filter((c) => c !== undefined && c !== null);
        const unique = own.filter((c, i) => own.findIndex((d) => sameCertificate(c, d)) === i);
        if (!unique.length) throw new SendBlockedError([{ code: 'no-own-certificate', message: 'You have no certificate to attach. Import one in Settings.' }]);
        content = attachCertificates(raw, unique);
      }
      const onProgress = (step: BuildStep) => onStage(step.step === 'signing' ? 'signing' : { encrypting: step.done + 1, of: step.total });
      return buildProtected(content, fresh, { smime: security.smime ?? localSmime, onProgress });
    },
    [security, choices, keys, loadedPolicy],
  );

  /** How a draft may be saved now (Encrypt on: encrypted to the sender only, never plain). */
  const draftProtection = useCallback((): DraftProtection => {
    if (!security || !encrypt) return { mode: 'plain' };
    if (keys.state === 'loading') return { mode: 'refuse', message: 'Reading your keys before saving the draft encrypted…' };
    if (keys.state === 'error') return { mode: 'refuse', message: `The draft is not saved: ${keys.message}` };
    const own = keys.state === 'ready' ? keys.ownCertificate : null;
    if (!own) {
      return { mode: 'refuse', message: 'The draft is not saved: Encrypt is on and you have no encryption certificate to protect it. Import one in Settings, or turn Encrypt off to save it unencrypted.' };
    }
    const cipher = policyCipher([], policy);
    return { mode: 'encrypt', save: (raw) => encryptDraft(raw, own, cipher, security.smime ?? localSmime, hideSubject) };
  }, [security, encrypt, keys, policy, hideSubject]);

  return {
    enabled: security !== null,
    policy,
    sign: security !== null && (sign || policy.requireSigning),
    encrypt: security !== null && (encrypt || policy.requireEncryption),
    setSign,
    setEncrypt,
    attachCertificate,
    setAttachCertificate,
    chooseUnencrypted,
    rows,
    keys,
    problems: plan?.problems ?? [],
    /** The Subject goes out as "[...]" (every copy encrypted, and the message answered hid it). */
    subjectHidden: plan?.headerProtection?.mode === 'cipher' && plan.headerProtection.hideSubject,
    protect,
    draftProtection,
  };
}

export type SecurityChoices = ReturnType<typeof useSecurityChoices>;
