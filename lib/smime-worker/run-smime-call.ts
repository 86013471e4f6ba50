// One lib/smime call, run with the real engine wrapped so each step it starts is reported as a
// phase. The worker runs this with certificates rebuilt from DER and proxied keys; the in-thread
// fallback runs it with the caller's own objects, so both report the same phases.
//
// This reaches past lib/smime's index (message/ and engine.ts) on purpose: the engine seam is the
// only place the steps of a read or write are visible, and lib/smime exposes it for exactly this
// kind of wrapping (its own tests pass fake engines through it).
import type * as pkijs from 'pkijs';

import type { EncryptMessageOptions, Identity, ReadResult, SignAndEncryptOptions, SignMessageOptions, TrustSettings } from '@/lib/smime';
import { smimeReadEngine, smimeWriteEngine } from '@/lib/smime/engine';
import type { SmimeReadEngine, SmimeWriteEngine } from '@/lib/smime/message/engine';
import { readMessage } from '@/lib/smime/message/read-message';
import * as writer from '@/lib/smime/message/write-message';

import type { SmimePhase } from './protocol';

export type SmimeCall =
  | { op: 'read'; raw: Uint8Array; context: { identities: Identity[]; trust: TrustSettings; knownCertificates?: pkijs.Certificate[] } }
  | { op: 'sign'; raw: Uint8Array; signer: Identity; options: SignMessageOptions }
  | { op: 'encrypt'; raw: Uint8Array; recipients: pkijs.Certificate[]; options: EncryptMessageOptions }
  | { op: 'signAndEncrypt'; raw: Uint8Array; signer: Identity; recipients: pkijs.Certificate[]; options: SignAndEncryptOptions };

type OnPhase = (phase: SmimePhase) => void;

export function runSmimeCall(call: Extract<SmimeCall, { op: 'read' }>, onPhase: OnPhase): Promise<ReadResult>;
export function runSmimeCall(call: Exclude<SmimeCall, { op: 'read' }>, onPhase: OnPhase): Promise<Uint8Array>;
export function runSmimeCall(call: SmimeCall, onPhase: OnPhase): Promise<ReadResult | Uint8Array>;
export async function runSmimeCall(call: SmimeCall, onPhase: OnPhase): Promise<ReadResult | Uint8Array> {
  onPhase('parsing');
  switch (call.op) {
    case 'read':
      return readMessage(call.raw, { engine: observedReadEngine(onPhase), ...call.context });
    case 'sign':
      return writer.signMessage(call.raw, call.signer, call.options, observedWriteEngine(onPhase));
    case 'encrypt':
      return writer.encryptMessage(call.raw, call.recipients, call.options, observedWriteEngine(onPhase));
    case 'signAndEncrypt':
      return writer.signAndEncryptMessage(call.raw, call.signer, call.recipients, call.options, observedWriteEngine(onPhase));
  }
}

function observedReadEngine(onPhase: OnPhase): SmimeReadEngine<TrustSettings> {
  const engine = smimeReadEngine;
  return {
    ...engine,
    verifySignedData: (...args) => (onPhase('verifying'), engine.verifySignedData(...args)),
    validateCertificate: (...args) => (onPhase('checking-certificate'), engine.validateCertificate(...args)),
    decryptEnvelope: (...args) => (onPhase('decrypting'), engine.decryptEnvelope(...args)),
    decompressData: (...args) => (onPhase('decompressing'), engine.decompressData(...args)),
  };
}

function observedWriteEngine(onPhase: OnPhase): SmimeWriteEngine {
  const engine = smimeWriteEngine;
  return {
    ...engine,
    signData: (...args) => (onPhase('signing'), engine.signData(...args)),
    encryptEnvelope: (...args) => (onPhase('encrypting'), engine.encryptEnvelope(...args)),
  };
}
