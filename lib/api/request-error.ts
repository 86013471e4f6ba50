// The failure of an API call as the browser sees it: the server's code and its user-safe message.
import type { ApiError, ApiErrorCode } from './types';

export class ApiRequestError extends Error {
  constructor(
    readonly code: ApiErrorCode | 'network',
    message: string,
    readonly status: number,
  ) {
    super(message);
    this.name = 'ApiRequestError';
  }
}

const GENERIC = 'Something went wrong on the server.';

/** The message to show for any failure of an API call. */
export function errorMessage(err: unknown, fallback = GENERIC): string {
  return err instanceof ApiRequestError ? err.message : fallback;
}

/** The error of a failed answer: the server's code and message (the same for fetch and XHR). */
export function toApiRequestError(status: number, body: unknown): ApiRequestError {
  const err = (body as ApiError | null)?.error;
  const message = err?.message ?? GENERIC;
  // An unexpected failure names its server log entry, for a support call.
  return new ApiRequestError(err?.code ?? 'internal', err?.requestId ? `${message} (Reference ${err.requestId})` : message, status);
}
