// The messages between the caller's thread and the S/MIME worker. Everything here survives
// structured clone: certificates travel as DER, keys as metadata only, Dates as epoch ms. The
// worker never receives a private key: it sends a `key` request naming an identity by index and
// the caller answers with the result of that one operation.
import type { EncryptMessageOptions, EncryptOptions, MessageReport, PkiFetchRequest, SignMessageOptions, TrustSettings } from '@/lib/smime';
import type { KeyKind, KeyTransportPadding, NamedCurve, SignatureScheme } from '@/lib/smime/keys/key-operations';

import type { WireError } from './errors';

/** What the worker is doing now; reported when it starts each step. */
export type SmimePhase = 'parsing' | 'verifying' | 'checking-certificate' | 'decrypting' | 'decompressing' | 'signing' | 'encrypting';

export interface SmimeProgress {
  phase: SmimePhase;
}

export type KeyOperationName = 'sign' | 'decryptKeyTransport' | 'deriveSharedSecret';

export interface WireKey {
  kind: KeyKind;
  curve?: NamedCurve;
  modulusBits?: number;
  /** The operations the caller's key offers. */
  operations: KeyOperationName[];
}

export interface WireIdentity {
  certificate: Uint8Array;
  chain?: Uint8Array[];
  key: WireKey;
}

export interface WireTrust {
  anchors: Uint8Array[];
  knownCertificates: Uint8Array[];
  revocation: TrustSettings['revocation'];
  /** Epoch ms; null: the worker's clock. */
  now: number | null;
  /** The caller has a PkiFetcher: the worker sends it `fetch` requests. */
  fetcher: boolean;
}

export type WireSignOptions = Omit<SignMessageOptions, 'encryptionCertificate'> & { encryptionCertificate?: Uint8Array };

export type WireRequest =
  | { op: 'read'; raw: Uint8Array; identities: WireIdentity[]; trust: WireTrust; knownCertificates: Uint8Array[] }
  | { op: 'sign'; raw: Uint8Array; signer: WireIdentity; options: WireSignOptions }
  | { op: 'encrypt'; raw: Uint8Array; recipients: Uint8Array[]; options: EncryptMessageOptions }
  | {
      op: 'signAndEncrypt';
      raw: Uint8Array;
      signer: WireIdentity;
      recipients: Uint8Array[];
      options: { signing?: WireSignOptions; encryption?: EncryptOptions } & Record<string, unknown>;
    };

export type WireResult =
  | { op: 'read'; report: MessageReport; plaintext: Uint8Array; certificates: Uint8Array[] }
  | { op: 'write'; message: Uint8Array };

export type KeyRequest =
  | { op: 'sign'; data: Uint8Array; scheme: SignatureScheme }
  | { op: 'decryptKeyTransport'; encryptedKey: Uint8Array; padding: KeyTransportPadding }
  | { op: 'deriveSharedSecret'; originatorPublicKey: Uint8Array };

export type Outcome<T> = { ok: true; value: T } | { ok: false; error: WireError };

/** Caller -> worker. */
export type ToWorker =
  | { type: 'call'; id: number; request: WireRequest }
  | { type: 'cancel'; id: number }
  /** The answer to a `key` or `fetch` request of call `id`. */
  | { type: 'reply'; id: number; requestId: number; outcome: Outcome<Uint8Array> };

/** Worker -> caller. */
export type FromWorker =
  | { type: 'progress'; id: number; phase: SmimePhase }
  /** `identity`: index into the call's identities (0 is the signer when writing). */
  | { type: 'key'; id: number; requestId: number; identity: number; request: KeyRequest }
  | { type: 'fetch'; id: number; requestId: number; request: PkiFetchRequest }
  | { type: 'done'; id: number; outcome: Outcome<WireResult> };

/** What serveSmime needs of its endpoint: a MessagePort, a DedicatedWorkerGlobalScope, ... */
export interface MessageEndpoint {
  postMessage(message: unknown, transfer: Transferable[]): void;
  addEventListener(type: 'message', listener: (event: MessageEvent) => void): void;
  removeEventListener(type: 'message', listener: (event: MessageEvent) => void): void;
  /** MessagePort only: delivery starts after start(). */
  start?(): void;
}

/**
 * The buffers of `views` to transfer, each once (a buffer listed twice makes postMessage throw).
 * Only whole buffers this side owns may be listed; callers make sure of that.
 */
export function transferList(views: Uint8Array[]): Transferable[] {
  const buffers = new Set<ArrayBuffer>();
  for (const view of views) if (view.buffer instanceof ArrayBuffer) buffers.add(view.buffer);
  return [...buffers];
}

/**
 * `bytes` ready to be transferred: itself when it fills most of its buffer, else a copy, so a small
 * result cut from a large input does not drag the whole input buffer along.
 */
export function ownedForTransfer(bytes: Uint8Array): Uint8Array {
  return bytes.buffer instanceof ArrayBuffer && bytes.byteLength * 2 >= bytes.buffer.byteLength ? bytes : bytes.slice();
}
