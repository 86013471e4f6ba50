// Reads a PKCS#12 file off the page's thread: 600,000-iteration key derivations (and the PKCS#12
// MAC's, in plain JavaScript) take seconds. One worker per file, ended after the answer, so the
// key material it saw does not outlive the job.
import { readPkcs12File, toWorkerFailure } from './pkcs12-file';
import type { Pkcs12WorkerReply } from './pkcs12-jobs';

const scope = self as unknown as { onmessage: ((event: MessageEvent) => void) | null; postMessage(message: Pkcs12WorkerReply): void };

scope.onmessage = async (event: MessageEvent<{ bytes: Uint8Array; password: string }>) => {
  try {
    scope.postMessage({ ok: true, value: await readPkcs12File(event.data.bytes, event.data.password) });
  } catch (error) {
    scope.postMessage({ ok: false, error: toWorkerFailure(error) });
  }
};
