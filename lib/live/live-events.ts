// What GET /api/events pushes to the browser (Server-Sent Events). One `event:` name per kind;
// `data` is JSON. Shared by the route (which writes them) and the browser (which reads them).

export const LIVE_EVENT_NAMES = ['ready', 'mailbox', 'folders', 'imap-unavailable', 'session-ended'] as const;
export type LiveEventName = (typeof LIVE_EVENT_NAMES)[number];

export type LiveEvent =
  /** The stream watches `folder` (IMAP IDLE is up); sent again after the server came back. */
  | { type: 'ready'; folder: string }
  /** Messages arrived, were expunged or changed flags in the watched folder. */
  | { type: 'mailbox'; folder: string }
  /** Some folder's message or unread count changed. */
  | { type: 'folders' }
  /** The IMAP server cannot be reached; the server keeps trying and sends `ready` once it is back. */
  | { type: 'imap-unavailable' }
  /** The session is over (signed out, expired, password changed): the stream closes. */
  | { type: 'session-ended' };

/** Server → browser: the retry hint (ms) EventSource uses when the stream drops. */
export const LIVE_RETRY_MS = 3_000;

/** One SSE message; `data` is one JSON line, so it never needs multi-line `data:` fields. */
export function formatLiveEvent(event: LiveEvent): string {
  const { type, ...data } = event;
  return `event: ${type}\ndata: ${JSON.stringify(data)}\n\n`;
}

/** A comment line: keeps proxies and the browser from timing the stream out. */
export const HEARTBEAT = ': ping\n\n';

/** Reads one received SSE message back into a LiveEvent; null for anything unexpected. */
export function parseLiveEvent(type: string, data: string): LiveEvent | null {
  if (!(LIVE_EVENT_NAMES as readonly string[]).includes(type)) return null;
  let body: unknown;
  try {
    body = JSON.parse(data || '{}');
  } catch {
    return null;
  }
  if (typeof body !== 'object' || body === null) return null;
  const folder = (body as { folder?: unknown }).folder;
  if (type === 'ready' || type === 'mailbox') return typeof folder === 'string' ? { type, folder } : null;
  return { type: type as 'folders' | 'imap-unavailable' | 'session-ended' };
}
