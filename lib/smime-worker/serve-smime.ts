// The worker's side: answers `call` messages on any MessagePort-like endpoint (the worker's own
// global scope in production, one end of a MessageChannel in tests). Certificates are rebuilt from
// DER here; private-key operations and PKI fetches go back to the caller as requests, so no key
// and no network access lives in the worker.
import type { Identity, KeyOperations, PkiFetchRequest, TrustSettings } from '@/lib/smime';

import { SmimeWorkerError, fromWireError, toWireError } from './errors';
import {
  type FromWorker,
  type KeyRequest,
  type MessageEndpoint,
  type Outcome,
  type ToWorker,
  type WireIdentity,
  type WireKey,
  type WireRequest,
  type WireResult,
  ownedForTransfer,
  transferList,
} from './protocol';
import { type SmimeCall, runSmimeCall } from './run-smime-call';
import { certificateDer, certificateFromDer } from './wire-form';

type Ask = (request: { type: 'key'; identity: number; request: KeyRequest } | { type: 'fetch'; request: PkiFetchRequest }) => Promise<Uint8Array>;

/** One call in progress: its open requests to the caller, and whether the caller gave up on it. */
class Job {
  cancelled = false;
  private nextRequest = 0;
  private readonly waiting = new Map<number, { resolve: (value: Uint8Array) => void; reject: (error: Error) => void }>();

  constructor(
    readonly id: number,
    private readonly post: (message: FromWorker, transfer?: Transferable[]) => void,
  ) {}

  readonly ask: Ask = (request) => {
    if (this.cancelled) return Promise.reject(new SmimeWorkerError('aborted', 'The operation was aborted.'));
    const requestId = this.nextRequest++;
    return new Promise((resolve, reject) => {
      this.waiting.set(requestId, { resolve, reject });
      this.post({ ...request, id: this.id, requestId });
    });
  };

  answer(requestId: number, outcome: Outcome<Uint8Array>): void {
    const waiter = this.waiting.get(requestId);
    if (!waiter) return;
    this.waiting.delete(requestId);
    if (outcome.ok) waiter.resolve(outcome.value);
    else waiter.reject(fromWireError(outcome.error));
  }

  cancel(): void {
    this.cancelled = true;
    for (const waiter of this.waiting.values()) waiter.reject(new SmimeWorkerError('aborted', 'The operation was aborted.'));
    this.waiting.clear();
  }
}

/** Serves S/MIME calls on `endpoint` until the returned function is called. */
export function serveSmime(endpoint: MessageEndpoint): () => void {
  const jobs = new Map<number, Job>();
  const post = (message: FromWorker, transfer: Transferable[] = []) => endpoint.postMessage(message, transfer);

  const run = async (job: Job, request: WireRequest) => {
    let outcome: Outcome<WireResult>;
    let transfer: Transferable[] = [];
    try {
      const call = decodeCall(request, job.ask);
      const onPhase = (phase: Parameters<Parameters<typeof runSmimeCall>[1]>[0]) => {
        if (!job.cancelled) post({ type: 'progress', id: job.id, phase });
      };
      const value = await encodeResult(call, onPhase);
      outcome = { ok: true, value };
      transfer = transferList(value.op === 'read' ? [value.plaintext, ...value.certificates] : [value.message]);
    } catch (error) {
      outcome = { ok: false, error: toWireError(error) };
    }
    jobs.delete(job.id);
    if (job.cancelled) return;
    try {
      post({ type: 'done', id: job.id, outcome }, transfer);
    } catch (error) {
      post({ type: 'done', id: job.id, outcome: { ok: false, error: toWireError(error) } });
    }
  };

  const onMessage = (event: MessageEvent) => {
    const message = event.data as ToWorker;
    switch (message.type) {
      case 'call': {
        const job = new Job(message.id, post);
        jobs.set(message.id, job);
        void run(job, message.request);
        break;
      }
      case 'cancel':
        jobs.get(message.id)?.cancel();
        jobs.delete(message.id);
        break;
      case 'reply':
        jobs.get(message.id)?.answer(message.requestId, message.outcome);
        break;
    }
  };

  endpoint.addEventListener('message', onMessage);
  endpoint.start?.();
  return () => {
    endpoint.removeEventListener('message', onMessage);
    for (const job of jobs.values()) job.cancel();
    jobs.clear();
  };
}

async function encodeResult(call: SmimeCall, onPhase: Parameters<typeof runSmimeCall>[1]): Promise<WireResult> {
  if (call.op === 'read') {
    const result = await runSmimeCall(call, onPhase);
    return { op: 'read', report: result.report, plaintext: ownedForTransfer(result.plaintext), certificates: result.certificates.map(certificateDer) };
  }
  return { op: 'write', message: ownedForTransfer(await runSmimeCall(call, onPhase)) };
}

/** The wire request as lib/smime arguments: certificates rebuilt, keys and fetcher proxied to the caller. */
function decodeCall(request: WireRequest, ask: Ask): SmimeCall {
  const identity = (wire: WireIdentity, index: number): Identity => ({
    certificate: certificateFromDer(wire.certificate),
    ...(wire.chain ? { chain: wire.chain.map(certificateFromDer) } : {}),
    key: remoteKey(wire.key, (keyRequest) => ask({ type: 'key', identity: index, request: keyRequest })),
  });
  const signOptions = <T extends { encryptionCertificate?: Uint8Array }>(options: T) => {
    const { encryptionCertificate, ...rest } = options;
    return encryptionCertificate ? { ...rest, encryptionCertificate: certificateFromDer(encryptionCertificate) } : rest;
  };
  switch (request.op) {
    case 'read': {
      const trust: TrustSettings = {
        anchors: request.trust.anchors.map(certificateFromDer),
        knownCertificates: request.trust.knownCertificates.map(certificateFromDer),
        fetcher: request.trust.fetcher ? { fetch: (fetchRequest) => ask({ type: 'fetch', request: fetchRequest }) } : null,
        revocation: request.trust.revocation,
      };
      if (request.trust.now !== null) trust.now = new Date(request.trust.now);
      const knownCertificates = request.knownCertificates.map(certificateFromDer);
      return {
        op: 'read',
        raw: request.raw,
        context: { identities: request.identities.map(identity), trust, ...(knownCertificates.length ? { knownCertificates } : {}) },
      };
    }
    case 'sign':
      return { op: 'sign', raw: request.raw, signer: identity(request.signer, 0), options: signOptions(request.options) };
    case 'encrypt':
      return { op: 'encrypt', raw: request.raw, recipients: request.recipients.map(certificateFromDer), options: request.options };
    case 'signAndEncrypt': {
      const { signing, ...rest } = request.options;
      return {
        op: 'signAndEncrypt',
        raw: request.raw,
        signer: identity(request.signer, 0),
        recipients: request.recipients.map(certificateFromDer),
        options: signing ? { ...rest, signing: signOptions(signing) } : rest,
      };
    }
  }
}

/** KeyOperations whose every operation is a request to the caller, who holds the real key. */
function remoteKey(wire: WireKey, ask: (request: KeyRequest) => Promise<Uint8Array>): KeyOperations {
  const has = (name: WireKey['operations'][number]) => wire.operations.includes(name);
  return {
    kind: wire.kind,
    ...(wire.curve !== undefined ? { curve: wire.curve } : {}),
    ...(wire.modulusBits !== undefined ? { modulusBits: wire.modulusBits } : {}),
    ...(has('sign') ? { sign: (data, scheme) => ask({ op: 'sign', data, scheme }) } : {}),
    ...(has('decryptKeyTransport') ? { decryptKeyTransport: (encryptedKey, padding) => ask({ op: 'decryptKeyTransport', encryptedKey, padding }) } : {}),
    ...(has('deriveSharedSecret') ? { deriveSharedSecret: (originatorPublicKey) => ask({ op: 'deriveSharedSecret', originatorPublicKey }) } : {}),
  } satisfies KeyOperations;
}
