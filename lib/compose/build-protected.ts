// Turning a send plan into the bytes to submit. The message is signed once (one signature, one
// PIN prompt on a smart card later) and that signed message is encrypted per envelope: the
// same as signAndEncryptMessage, which signs the same inner entity before encrypting it
// (RFC 8551 section 3.7). The S/MIME operations come in as an object so a Web Worker client can
// stand in for lib/smime; between heavy steps we yield so the page can draw the progress.
import type * as pkijs from 'pkijs';

import type { EncryptMessageOptions, EncryptOptions, Identity, SignAndEncryptOptions, SignMessageOptions } from '../smime';
import * as smime from '../smime';
import type { SendPlan } from './send-plan';

/** The lib/smime writing verbs, as lib/smime (or a worker client with the same signatures) offers them. */
export interface ComposeSmime {
  signMessage(raw: Uint8Array, signer: Identity, options?: SignMessageOptions): Promise<Uint8Array>;
  encryptMessage(raw: Uint8Array, recipients: pkijs.Certificate[], options?: EncryptMessageOptions): Promise<Uint8Array>;
  signAndEncryptMessage(raw: Uint8Array, signer: Identity, recipients: pkijs.Certificate[], options?: SignAndEncryptOptions): Promise<Uint8Array>;
}

/** lib/smime itself, on this thread. */
export const localSmime: ComposeSmime = {
  signMessage: smime.signMessage,
  encryptMessage: smime.encryptMessage,
  signAndEncryptMessage: smime.signAndEncryptMessage,
};

export type BuildStep = { step: 'signing' } | { step: 'encrypting'; done: number; total: number };

export interface BuildOptions {
  smime?: ComposeSmime;
  onProgress?: (step: BuildStep) => void;
  /** Lets the page draw before a heavy step; a macrotask by default. */
  yieldToUi?: () => Promise<void>;
}

/** What POST /api/send takes: the main message (stored in Sent) and the separate copies. */
export interface ProtectedSubmission {
  raw: Uint8Array;
  to: string[];
  separate: { raw: Uint8Array; to: string[]; kind: 'bcc' | 'unencrypted' }[];
}

const nextTask = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

/** Signs and encrypts `raw` (the complete message, no Bcc field) as `plan` says. */
export async function buildProtected(raw: Uint8Array, plan: SendPlan, options: BuildOptions = {}): Promise<ProtectedSubmission> {
  if (plan.blocked || plan.envelopes.length === 0) throw new Error('buildProtected: the plan does not allow sending');
  const engine = options.smime ?? localSmime;
  const pause = options.yieldToUi ?? nextTask;
  let content = raw;
  if (plan.sign) {
    if (!plan.signer || !plan.signing) throw new Error('buildProtected: signing without a signer');
    options.onProgress?.({ step: 'signing' });
    await pause();
    const signing = { opaque: plan.signing.format === 'opaque', hash: plan.signing.hash };
    // The payload made here, inside the signature, carries the header fields (RFC 9788).
    content = await engine.signMessage(raw, plan.signer, plan.headerProtection ? { ...signing, headerProtection: plan.headerProtection } : signing);
  }
  const encrypted = plan.envelopes.filter((e) => e.encryptTo.length > 0);
  let done = 0;
  const bytesFor = async (envelope: SendPlan['envelopes'][number]): Promise<Uint8Array> => {
    if (envelope.encryptTo.length === 0) return content;
    options.onProgress?.({ step: 'encrypting', done, total: encrypted.length });
    await pause();
    const encryption: EncryptMessageOptions = envelope.cipher ? { cipher: envelope.cipher } : {};
    // Not signed: the payload is made here, inside the encryption.
    if (!plan.sign && plan.headerProtection?.mode === 'cipher') encryption.headerProtection = { hideSubject: plan.headerProtection.hideSubject };
    const out = await engine.encryptMessage(content, envelope.encryptTo, encryption);
    done++;
    return out;
  };
  const [main, ...rest] = plan.envelopes;
  if (main!.kind !== 'main') throw new Error('buildProtected: the plan has no main message');
  const submission: ProtectedSubmission = { raw: await bytesFor(main!), to: main!.to, separate: [] };
  for (const envelope of rest) {
    submission.separate.push({ raw: await bytesFor(envelope), to: envelope.to, kind: envelope.kind as 'bcc' | 'unencrypted' });
  }
  return submission;
}

/**
 * A draft of a message with Encrypt on: encrypted to the sender only (it stays in the user's
 * own Drafts). The header fields (recipients, Bcc too) stay readable, as in any S/MIME message;
 * a Subject the message keeps hidden is hidden in the draft too (RFC 9788, "[...]" outside).
 */
export function encryptDraft(
  raw: Uint8Array,
  ownCertificate: pkijs.Certificate,
  cipher: EncryptOptions['cipher'] | null,
  engine: ComposeSmime = localSmime,
  hideSubject = false,
): Promise<Uint8Array> {
  const options: EncryptMessageOptions = cipher ? { cipher } : {};
  if (hideSubject) options.headerProtection = { hideSubject: true };
  return engine.encryptMessage(raw, [ownCertificate], options);
}
