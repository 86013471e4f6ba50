// Reconnect delays shared by the server's mailbox watcher and the browser's event stream: grow
// exponentially so a down server is not hammered, cap so recovery is noticed soon, and add
// jitter so many sessions that lost the server together do not all return at the same moment.

export const BACKOFF_BASE_MS = 1_000;
export const BACKOFF_MAX_MS = 30_000;

/** The delay before reconnect attempt `attempt` (0 for the first), with up to 20 % jitter. */
export function backoffDelay(attempt: number, random: () => number = Math.random): number {
  const exp = Math.min(BACKOFF_MAX_MS, BACKOFF_BASE_MS * 2 ** Math.max(0, Math.min(attempt, 16)));
  return Math.round(exp * (0.8 + 0.2 * random()));
}
