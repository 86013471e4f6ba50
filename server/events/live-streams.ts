import 'server-only';

import { HEARTBEAT, LIVE_RETRY_MS, type LiveEvent, formatLiveEvent } from '@/lib/live/live-events';

import { config } from '../config';
import { openImap } from '../imap/connection';
import type { Session } from '../session/session-store';
import { sessionStore } from '../session/sessions';
import { MailboxWatcher, type WatchClient } from './mailbox-watcher';

/** Live streams one session may hold (tabs); a new one beyond this closes the session's oldest. */
export const MAX_STREAMS_PER_SESSION = 3;
/** A comment line this often keeps proxies from closing a quiet stream and notices a gone tab. */
export const HEARTBEAT_MS = 20_000;
/** The watcher starts IDLE this soon after its last command (imapflow's default is 15 s). */
const WATCH_IDLE_DELAY_MS = 500;

interface LiveStream {
  close: () => void;
}

// Per process, like the sessions (see sessions.ts for why it lives on globalThis).
const STATE = Symbol.for('sealpost.liveStreams');
function streamsBySession(): Map<string, LiveStream[]> {
  const g = globalThis as typeof globalThis & { [STATE]?: Map<string, LiveStream[]> };
  return (g[STATE] ??= new Map());
}

/** How many live streams are open in this process (for tests and the memory benchmark). */
export function liveStreamCount(): number {
  let n = 0;
  for (const list of streamsBySession().values()) n += list.length;
  return n;
}

/** The watcher's own connection: the session's credentials, IDLE turned on. */
function connectForWatch(session: Session): () => Promise<WatchClient> {
  return async () => {
    if (session.ended) throw Object.assign(new Error('session ended'), { authenticationFailed: true });
    try {
      return await openImap(config().imap, session.username, sessionStore().password(session), {
        clientIp: session.clientIp,
        autoIdleDelayMs: WATCH_IDLE_DELAY_MS,
      });
    } catch (err) {
      // As for request connections (session-imap.ts): a refused stored password ends the session.
      if ((err as { code?: string }).code === 'auth-failed') sessionStore().destroy(session.id);
      throw err;
    }
  };
}

/**
 * A text/event-stream of LiveEvents for one session and folder. It ends when the browser goes
 * away (`signal`), the session ends, or the session opens more than MAX_STREAMS_PER_SESSION.
 */
export function openLiveStream(
  session: Session,
  folder: string,
  signal: AbortSignal,
  connect: () => Promise<WatchClient> = connectForWatch(session),
): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  let cleanup = () => {};
  return new ReadableStream<Uint8Array>({
    start(controller) {
      let closed = false;
      const write = (text: string) => {
        if (closed) return;
        try {
          controller.enqueue(encoder.encode(text));
        } catch {
          stream.close();
        }
      };
      const send = (event: LiveEvent) => {
        write(formatLiveEvent(event));
        if (event.type === 'session-ended') stream.close();
      };
      const watcher = new MailboxWatcher({ connect, folder, emit: send });
      const heartbeat = setInterval(() => (session.ended ? send({ type: 'session-ended' }) : write(HEARTBEAT)), HEARTBEAT_MS);
      heartbeat.unref?.();
      const onEnd = () => send({ type: 'session-ended' });
      const onAbort = () => stream.close();

      const stream: LiveStream = {
        close() {
          if (closed) return;
          closed = true;
          watcher.stop();
          clearInterval(heartbeat);
          signal.removeEventListener('abort', onAbort);
          session.onEnd?.delete(onEnd);
          const list = streamsBySession().get(session.id)?.filter((s) => s !== stream) ?? [];
          if (list.length) streamsBySession().set(session.id, list);
          else streamsBySession().delete(session.id);
          try {
            controller.close();
          } catch {
            // Already closed by the browser going away.
          }
        },
      };
      cleanup = () => stream.close();

      const list = streamsBySession().get(session.id) ?? [];
      // A reloaded tab's old stream may linger until its socket times out: the oldest gives way.
      while (list.length >= MAX_STREAMS_PER_SESSION) list.shift()?.close();
      list.push(stream);
      streamsBySession().set(session.id, list);
      (session.onEnd ??= new Set()).add(onEnd);
      signal.addEventListener('abort', onAbort);

      write(`retry: ${LIVE_RETRY_MS}\n\n`);
      if (session.ended || signal.aborted) return onEnd();
      watcher.start();
    },
    cancel() {
      cleanup();
    },
  });
}
