// Writes a PKCS#12 file off the page's thread (PBKDF2 and the PKCS#12 MAC at 600,000 iterations).
import { type Pkcs12ExportEntry, toWorkerFailure, writePkcs12File } from './pkcs12-file';
import type { Pkcs12WorkerReply } from './pkcs12-jobs';

const scope = self as unknown as { onmessage: ((event: MessageEvent) => void) | null; postMessage(message: Pkcs12WorkerReply): void };

scope.onmessage = async (event: MessageEvent<{ entries: Pkcs12ExportEntry[]; password: string; iterations?: number }>) => {
  try {
    scope.postMessage({ ok: true, value: await writePkcs12File(event.data.entries, event.data.password, event.data.iterations) });
  } catch (error) {
    scope.postMessage({ ok: false, error: toWorkerFailure(error) });
  }
};
