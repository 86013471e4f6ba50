// lib/smime's four verbs with the heavy work (MIME, CMS, hashing, AES) in a dedicated Web Worker.
// Same arguments and results as lib/smime, plus optional per-call options (abort, progress).
// Private keys and the PKI fetcher stay in this thread: the worker asks for each operation.
import type * as pkijs from 'pkijs';

import type { EncryptMessageOptions, Identity, ReadResult, SignAndEncryptOptions, SignMessageOptions, TrustSettings } from '@/lib/smime';
import { SmimeError } from '@/lib/smime';

import { SmimeWorkerError } from './errors';
import { type SmimeCall, runSmimeCall } from './run-smime-call';
import { certificateFromDer, wireRequest } from './wire-form';
import { type SmimeCallOptions, type WorkerLike, WorkerSession, abortError } from './worker-session';

/** Without progress for this long, a worker is deemed stuck (hostile input, a bug) and ended. */
export const DEFAULT_WORKER_TIMEOUT_MS = 60_000;

export interface SmimeWorkerClientOptions {
  /**
   * Makes the worker. Default: the bundled smime.worker.ts as a module worker. null runs every
   * call in this thread (what happens anyway where there is no Worker, e.g. Node).
   */
  createWorker?: (() => WorkerLike) | null;
  /** ms without any progress from the worker before it is ended (caller-side key operations and fetches do not count). */
  timeoutMs?: number;
}

export interface SmimeWorkerClient {
  /** False when calls run in this thread (no Worker here, or createWorker: null). */
  readonly usesWorker: boolean;
  readMessage(
    raw: Uint8Array,
    context: { identities: Identity[]; trust: TrustSettings; knownCertificates?: pkijs.Certificate[] },
    call?: SmimeCallOptions,
  ): Promise<ReadResult>;
  signMessage(raw: Uint8Array, signer: Identity, options?: SignMessageOptions, call?: SmimeCallOptions): Promise<Uint8Array>;
  encryptMessage(raw: Uint8Array, recipients: pkijs.Certificate[], options?: EncryptMessageOptions, call?: SmimeCallOptions): Promise<Uint8Array>;
  signAndEncryptMessage(
    raw: Uint8Array,
    signer: Identity,
    recipients: pkijs.Certificate[],
    options?: SignAndEncryptOptions,
    call?: SmimeCallOptions,
  ): Promise<Uint8Array>;
  /** Ends the worker now (pending calls reject with 'worker-crashed'); the next call starts a new one. */
  terminate(): void;
}

const CLIENT_OPTIONS = ['createWorker', 'timeoutMs'];

function defaultWorker(): WorkerLike {
  // Written out in this exact form so Next.js (webpack and Turbopack) bundles the entry as a worker.
  return new Worker(new URL('./smime.worker.ts', import.meta.url), { type: 'module', name: 'sealpost-smime' });
}

export function createSmimeWorkerClient(options: SmimeWorkerClientOptions = {}): SmimeWorkerClient {
  for (const key of Object.keys(options)) {
    if (!CLIENT_OPTIONS.includes(key)) throw new SmimeError('invalid-argument', `Unknown option "${key}".`);
  }
  const timeoutMs = options.timeoutMs ?? DEFAULT_WORKER_TIMEOUT_MS;
  if (!(timeoutMs > 0) || !Number.isFinite(timeoutMs)) throw new SmimeError('invalid-argument', 'timeoutMs must be a positive number of milliseconds.');
  const createWorker = options.createWorker === undefined ? (typeof Worker === 'undefined' ? null : defaultWorker) : options.createWorker;

  let session: WorkerSession | null = null;
  const currentSession = (): WorkerSession => {
    if (session) return session;
    let worker: WorkerLike;
    try {
      worker = createWorker!();
    } catch (error) {
      throw new SmimeWorkerError('worker-crashed', 'The S/MIME worker could not be started.', { cause: error });
    }
    return (session = new WorkerSession(worker, timeoutMs, (ended) => {
      if (session === ended) session = null;
    }));
  };

  async function run(call: SmimeCall, callOptions: SmimeCallOptions = {}): Promise<ReadResult | Uint8Array> {
    if (callOptions.signal?.aborted) throw abortError(callOptions.signal);
    if (!createWorker) return runInThread(call, callOptions);
    const request = wireRequest(call);
    const caller = {
      keys: call.op === 'read' ? call.context.identities.map((identity) => identity.key) : call.op === 'encrypt' ? [] : [call.signer.key],
      fetcher: (call.op === 'read' ? call.context.trust.fetcher : null) ?? null,
    };
    const result = await currentSession().call(request, caller, callOptions);
    if (result.op === 'write') return result.message;
    return { report: result.report, plaintext: result.plaintext, certificates: result.certificates.map(certificateFromDer) };
  }

  return {
    usesWorker: Boolean(createWorker),
    readMessage: (raw, context, call) => run({ op: 'read', raw, context }, call) as Promise<ReadResult>,
    signMessage: (raw, signer, options = {}, call) => run({ op: 'sign', raw, signer, options }, call) as Promise<Uint8Array>,
    encryptMessage: (raw, recipients, options = {}, call) => run({ op: 'encrypt', raw, recipients, options }, call) as Promise<Uint8Array>,
    signAndEncryptMessage: (raw, signer, recipients, options = {}, call) =>
      run({ op: 'signAndEncrypt', raw, signer, recipients, options }, call) as Promise<Uint8Array>,
    terminate: () => session?.end(),
  };
}

/** The fallback: the same engine and phases in this thread. Abort rejects at once, but the work runs to its end. */
function runInThread(call: SmimeCall, { signal, onProgress }: SmimeCallOptions): Promise<ReadResult | Uint8Array> {
  const work = runSmimeCall(call, (phase) => onProgress?.({ phase }));
  if (!signal) return work;
  return new Promise((resolve, reject) => {
    const onAbort = () => reject(abortError(signal));
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

