// Runs the PKCS#12 work in a Web Worker (the bundler builds `new Worker(new URL(..., import.meta.url))`
// into its own chunk), or in this thread where there is no Worker (Node tests) or the worker
// cannot start. `via` says which, so the UI and the e2e test can tell.
import { KeystoreError } from './errors';
import { type Pkcs12ExportEntry, type Pkcs12FileContents, type WorkerFailure, readPkcs12File, writePkcs12File } from './pkcs12-file';

export type Pkcs12WorkerReply = { ok: true; value: unknown } | { ok: false; error: WorkerFailure };
export type WorkPath = 'worker' | 'in-thread';

export interface Pkcs12Read extends Pkcs12FileContents {
  via: WorkPath;
}

/** The worker's answer, or null when the worker could not run at all (then the caller works in-thread). */
function ask<T>(worker: Worker | null, message: unknown): Promise<T | null> {
  if (!worker) return Promise.resolve(null);
  return new Promise<T | null>((resolve, reject) => {
    worker.onmessage = (event: MessageEvent<Pkcs12WorkerReply>) => {
      if (event.data.ok) resolve(event.data.value as T);
      else reject(new KeystoreError(event.data.error.code, event.data.error.message));
    };
    // Raised when the worker's script fails to load or throws outside the handler.
    worker.onerror = (event) => {
      event.preventDefault();
      resolve(null);
    };
    worker.postMessage(message);
  }).finally(() => worker.terminate());
}

/** A worker, or null where there is none or it may not start (CSP, sandbox). */
function spawn(make: () => Worker): Worker | null {
  if (typeof Worker === 'undefined') return null;
  try {
    return make();
  } catch {
    return null;
  }
}

export async function readPkcs12InWorker(bytes: Uint8Array, password: string): Promise<Pkcs12Read> {
  const worker = spawn(() => new Worker(new URL('./pkcs12-import.worker.ts', import.meta.url), { type: 'module' }));
  const fromWorker = await ask<Pkcs12FileContents>(worker, { bytes, password });
  if (fromWorker) return { ...fromWorker, via: 'worker' };
  return { ...(await readPkcs12File(bytes, password)), via: 'in-thread' };
}

export async function writePkcs12InWorker(entries: Pkcs12ExportEntry[], password: string, iterations?: number): Promise<Uint8Array> {
  const worker = spawn(() => new Worker(new URL('./pkcs12-export.worker.ts', import.meta.url), { type: 'module' }));
  const fromWorker = await ask<Uint8Array>(worker, { entries, password, iterations });
  return fromWorker ?? writePkcs12File(entries, password, iterations);
}
