// lib/smime-worker's public face: lib/smime's reading and writing off the main thread.
export { createSmimeWorkerClient, DEFAULT_WORKER_TIMEOUT_MS, type SmimeWorkerClient, type SmimeWorkerClientOptions } from './client';
export type { SmimeCallOptions, WorkerLike } from './worker-session';
export { serveSmime } from './serve-smime';
export { SmimeWorkerError, isSmimeWorkerError, type SmimeWorkerErrorCode } from './errors';
export type { MessageEndpoint, SmimePhase, SmimeProgress } from './protocol';
