// One live worker and the calls it is running. Any message from the worker is progress; the
// watchdog runs only while some call is the worker's to finish (not while the caller is busy with
// a key operation or a fetch for every pending call: a PIN prompt may take minutes). A timeout,
// a crash or an unreadable message ends the session: the worker is terminated, every pending call
// rejects with a SmimeWorkerError, and the client starts a new worker for the next call.
import type { KeyOperations, PkiFetcher } from '@/lib/smime';
import { SmimeError } from '@/lib/smime';

import { SmimeWorkerError, fromWireError, toWireError } from './errors';
import type { FromWorker, KeyRequest, Outcome, SmimeProgress, ToWorker, WireRequest, WireResult } from './protocol';

/** What the client needs of a Worker (a real one, or a MessageChannel stand-in in tests). */
export interface WorkerLike {
  postMessage(message: unknown, transfer: Transferable[]): void;
  addEventListener(type: 'message' | 'messageerror' | 'error', listener: (event: Event) => void): void;
  terminate(): void;
}

export interface SmimeCallOptions {
  /** Rejects the call with SmimeWorkerError('aborted'); the worker stops work on it (or is ended, when idle). */
  signal?: AbortSignal;
  onProgress?: (progress: SmimeProgress) => void;
}

/** What the caller keeps for one call: the real keys (by identity index) and the real fetcher. */
export interface CallerSide {
  keys: KeyOperations[];
  fetcher: PkiFetcher | null;
}

interface PendingCall extends CallerSide {
  resolve(result: WireResult): void;
  reject(error: Error): void;
  onProgress?: (progress: SmimeProgress) => void;
  /** Requests of this call the caller is answering (key operations, fetches). */
  waitingOnCaller: number;
  cleanup(): void;
}

export function abortError(signal: AbortSignal): SmimeWorkerError {
  return new SmimeWorkerError('aborted', 'The operation was aborted.', { cause: signal.reason });
}

export class WorkerSession {
  private readonly calls = new Map<number, PendingCall>();
  private nextId = 1;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private ended = false;

  constructor(
    private readonly worker: WorkerLike,
    private readonly timeoutMs: number,
    private readonly onEnd: (session: WorkerSession) => void,
  ) {
    worker.addEventListener('message', (event) => this.receive((event as MessageEvent).data as FromWorker));
    worker.addEventListener('messageerror', () => this.end(new SmimeWorkerError('worker-crashed', 'The S/MIME worker sent a message that could not be read.')));
    worker.addEventListener('error', (event) => {
      // Handled here: the page's console need not report it a second time.
      event.preventDefault?.();
      const detail = (event as ErrorEvent).message;
      this.end(new SmimeWorkerError('worker-crashed', `The S/MIME worker stopped${detail ? `: ${detail}` : '.'}`));
    });
  }

  call(request: WireRequest, caller: CallerSide, options: SmimeCallOptions): Promise<WireResult> {
    const id = this.nextId++;
    const { signal, onProgress } = options;
    return new Promise<WireResult>((resolve, reject) => {
      const onAbort = () => this.abort(id, abortError(signal!));
      const pending: PendingCall = { ...caller, resolve, reject, onProgress, waitingOnCaller: 0, cleanup: () => signal?.removeEventListener('abort', onAbort) };
      this.calls.set(id, pending);
      signal?.addEventListener('abort', onAbort, { once: true });
      try {
        this.post({ type: 'call', id, request });
      } catch (error) {
        // Structured clone refused an argument (an option holding a function, say).
        this.settle(id);
        reject(new SmimeError('invalid-argument', `The arguments cannot be handed to the S/MIME worker: ${(error as Error).message}`));
        return;
      }
      this.rearm();
    });
  }

  /** Ends the worker; pending calls reject with `error` (none when the session is idle). */
  end(error = new SmimeWorkerError('worker-crashed', 'The S/MIME worker was stopped.')): void {
    if (this.ended) return;
    this.ended = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.worker.terminate();
    const calls = [...this.calls.values()];
    this.calls.clear();
    for (const call of calls) {
      call.cleanup();
      call.reject(error);
    }
    this.onEnd(this);
  }

  private post(message: ToWorker, transfer: Transferable[] = []): void {
    this.worker.postMessage(message, transfer);
  }

  private receive(message: FromWorker): void {
    if (this.ended) return;
    const call = this.calls.get(message.id);
    if (call) {
      switch (message.type) {
        case 'progress':
          call.onProgress?.({ phase: message.phase });
          break;
        case 'key':
          void this.answer(message.id, call, message.requestId, () => keyOperation(call.keys[message.identity], message.request));
          break;
        case 'fetch':
          void this.answer(message.id, call, message.requestId, () => {
            if (!call.fetcher) throw new SmimeError('fetch-failed', 'No PKI fetcher was given.');
            return call.fetcher.fetch(message.request);
          });
          break;
        case 'done':
          this.settle(message.id);
          if (message.outcome.ok) call.resolve(message.outcome.value);
          else call.reject(fromWireError(message.outcome.error));
          break;
      }
    }
    this.rearm();
  }

  /** Runs one caller-side operation for the worker; its duration never counts against the timeout. */
  private async answer(id: number, call: PendingCall, requestId: number, perform: () => Promise<Uint8Array>): Promise<void> {
    call.waitingOnCaller++;
    this.rearm();
    let outcome: Outcome<Uint8Array>;
    try {
      // A copy: the answer may be a view into memory the key or fetcher still owns.
      outcome = { ok: true, value: new Uint8Array(await perform()) };
    } catch (error) {
      outcome = { ok: false, error: toWireError(error) };
    }
    call.waitingOnCaller--;
    if (this.ended || this.calls.get(id) !== call) return;
    this.post({ type: 'reply', id, requestId, outcome }, outcome.ok ? [outcome.value.buffer as ArrayBuffer] : []);
    this.rearm();
  }

  private abort(id: number, error: SmimeWorkerError): void {
    const call = this.calls.get(id);
    if (!call || this.ended) return;
    this.settle(id);
    call.reject(error);
    // The engine has no cancellation points: ending an idle worker is the only way to stop its work.
    if (this.calls.size === 0) this.end();
    else this.post({ type: 'cancel', id });
  }

  private settle(id: number): void {
    this.calls.get(id)?.cleanup();
    this.calls.delete(id);
    this.rearm();
  }

  private rearm(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (this.ended) return;
    const workerBusy = [...this.calls.values()].some((call) => call.waitingOnCaller === 0);
    if (!workerBusy) return;
    this.timer = setTimeout(
      () => this.end(new SmimeWorkerError('worker-timeout', `The S/MIME worker made no progress for ${Math.round(this.timeoutMs / 100) / 10} seconds.`)),
      this.timeoutMs,
    );
  }
}

async function keyOperation(key: KeyOperations | undefined, request: KeyRequest): Promise<Uint8Array> {
  const refuse = (what: string): never => {
    throw new SmimeError('key-operation-failed', `This key cannot ${what}.`);
  };
  switch (request.op) {
    case 'sign':
      return key?.sign ? key.sign(request.data, request.scheme) : refuse('sign');
    case 'decryptKeyTransport':
      return key?.decryptKeyTransport ? key.decryptKeyTransport(request.encryptedKey, request.padding) : refuse('decrypt');
    case 'deriveSharedSecret':
      return key?.deriveSharedSecret ? key.deriveSharedSecret(request.originatorPublicKey) : refuse('agree on a key');
  }
}
