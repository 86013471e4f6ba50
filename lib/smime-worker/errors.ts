// Errors that only exist because the work runs in another thread, and the wire form every error
// takes across the MessagePort. The engine's own SmimeError crosses as code + message and is
// rebuilt as a SmimeError, so callers match the same codes whether the work ran here or there.
import { SmimeError, type SmimeErrorCode, isSmimeError } from '@/lib/smime';

export type SmimeWorkerErrorCode =
  /** The worker made no progress for the configured time (a PIN prompt does not count). */
  | 'worker-timeout'
  /** The worker could not start, died, or sent something that could not be read. */
  | 'worker-crashed'
  /** The caller's AbortSignal fired. */
  | 'aborted'
  /** An unexpected failure inside the worker (a bug, not the message's fault). */
  | 'internal-error';

export class SmimeWorkerError extends Error {
  constructor(
    readonly code: SmimeWorkerErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'SmimeWorkerError';
  }
}

export function isSmimeWorkerError(error: unknown): error is SmimeWorkerError {
  return error instanceof SmimeWorkerError;
}

/** An error as structured clone carries it: class instances lose their class, so say which. */
export type WireError =
  | { kind: 'smime'; code: SmimeErrorCode; message: string }
  | { kind: 'worker'; code: SmimeWorkerErrorCode; message: string }
  | { kind: 'other'; name: string; message: string };

export function toWireError(error: unknown): WireError {
  if (isSmimeError(error)) return { kind: 'smime', code: error.code, message: error.message };
  if (isSmimeWorkerError(error)) return { kind: 'worker', code: error.code, message: error.message };
  if (error instanceof Error) return { kind: 'other', name: error.name, message: error.message };
  return { kind: 'other', name: 'Error', message: String(error) };
}

export function fromWireError(wire: WireError): Error {
  switch (wire.kind) {
    case 'smime':
      return new SmimeError(wire.code, wire.message);
    case 'worker':
      return new SmimeWorkerError(wire.code, wire.message);
    case 'other':
      return new SmimeWorkerError('internal-error', `${wire.name}: ${wire.message}`);
  }
}
