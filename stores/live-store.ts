import { createStore } from 'zustand/vanilla';

import { ApiRequestError } from '@/lib/api/client';
import { backoffDelay } from '@/lib/live/backoff';
import { LIVE_EVENT_NAMES, type LiveEvent, parseLiveEvent } from '@/lib/live/live-events';

/** The part of EventSource the store uses (a fake stands in for it in unit tests). */
export interface EventSourceLike {
  readonly readyState: number;
  onerror: ((event: Event) => void) | null;
  addEventListener(type: string, listener: (event: MessageEvent<string>) => void): void;
  close(): void;
}

const CLOSED = 2; // EventSource.CLOSED

export interface LiveState {
  /** The folder whose stream is open, or null. */
  folder: string | null;
  /** True while the mail server cannot be reached (the banner shows); cleared when it is back. */
  imapDown: boolean;
  /** Opens (or moves) the event stream to `folder`; the previous one closes. */
  watch: (folder: string) => void;
  /** Closes the stream and stops every retry (sign-out, leaving the page). */
  stop: () => void;
  /** Called with any failed API call: 'imap-unavailable' shows the banner and starts probing. */
  reportApiError: (error: unknown) => void;
}

export interface LiveDeps {
  openStream?: (folder: string) => EventSourceLike;
  /** A cheap API call that needs IMAP (the folder list): resolves once the server is back. */
  probe: () => Promise<unknown>;
  /** New, expunged or re-flagged mail in the open folder. */
  onMailbox: () => void;
  /** Some folder's counts changed. */
  onFolders: () => void;
  /** The server is back, or the stream was down and may have missed events: re-read everything. */
  onRecovered: () => void;
  onSessionEnded: () => void;
  random?: () => number;
}

const openEventSource = (folder: string): EventSourceLike => new EventSource(`/api/events?${new URLSearchParams({ folder })}`);

/**
 * New mail without reloading, and the mail server's availability. One EventSource on
 * GET /api/events for the open folder; its events call the list and folder stores (through the
 * callbacks). When the server or an API call says the mail server is gone, `imapDown` turns on
 * and the store probes with growing delays until one call works (or the stream says `ready`).
 */
export function createLiveStore(deps: LiveDeps) {
  const { openStream = openEventSource, probe, onMailbox, onFolders, onRecovered, onSessionEnded, random } = deps;
  let source: EventSourceLike | null = null;
  let missed = false;
  let streamAttempt = 0;
  let streamTimer: ReturnType<typeof setTimeout> | undefined;
  let probeAttempt = 0;
  let probeTimer: ReturnType<typeof setTimeout> | undefined;
  let stopped = false;

  return createStore<LiveState>()((set, get) => {
    function recovered() {
      clearTimeout(probeTimer);
      probeTimer = undefined;
      probeAttempt = 0;
      missed = false;
      set({ imapDown: false });
      onRecovered();
    }

    function goneDown() {
      if (!get().imapDown) set({ imapDown: true });
      missed = true;
      scheduleProbe();
    }

    function scheduleProbe() {
      if (probeTimer !== undefined || stopped) return;
      probeTimer = setTimeout(async () => {
        try {
          await probe();
          probeTimer = undefined;
          if (get().imapDown) recovered();
        } catch (e) {
          probeTimer = undefined;
          if (e instanceof ApiRequestError && e.code === 'not-signed-in') return ended();
          scheduleProbe();
        }
      }, backoffDelay(probeAttempt++, random));
    }

    function ended() {
      get().stop();
      onSessionEnded();
    }

    function handle(event: LiveEvent) {
      switch (event.type) {
        case 'ready':
          streamAttempt = 0;
          if (get().imapDown || missed) recovered();
          break;
        case 'mailbox':
          onMailbox();
          break;
        case 'folders':
          onFolders();
          break;
        case 'imap-unavailable':
          goneDown();
          break;
        case 'session-ended':
          ended();
          break;
      }
    }

    function connect(folder: string) {
      source?.close();
      clearTimeout(streamTimer);
      const es = openStream(folder);
      source = es;
      for (const name of LIVE_EVENT_NAMES) {
        es.addEventListener(name, (e) => {
          if (source !== es) return;
          const event = parseLiveEvent(name, e.data);
          if (event) handle(event);
        });
      }
      es.onerror = () => {
        if (source !== es) return;
        // The stream broke: events may be lost, so the next 'ready' re-reads everything.
        missed = true;
        // CONNECTING: the browser retries by itself. CLOSED: the server refused the stream
        // (401, 5xx): find out why with an ordinary call, and try again later ourselves.
        if (es.readyState !== CLOSED) return;
        es.close();
        source = null;
        probe().catch((e: unknown) => {
          if (e instanceof ApiRequestError && e.code === 'not-signed-in') ended();
          else get().reportApiError(e);
        });
        streamTimer = setTimeout(() => {
          if (!stopped && get().folder === folder) connect(folder);
        }, backoffDelay(streamAttempt++, random));
      };
    }

    return {
      folder: null,
      imapDown: false,
      watch(folder) {
        if (get().folder === folder && source) return;
        stopped = false;
        set({ folder });
        connect(folder);
      },
      stop() {
        stopped = true;
        source?.close();
        source = null;
        clearTimeout(streamTimer);
        clearTimeout(probeTimer);
        probeTimer = undefined;
        set({ folder: null });
      },
      reportApiError(error) {
        if (error instanceof ApiRequestError && error.code === 'imap-unavailable') goneDown();
      },
    };
  });
}

export type LiveStore = ReturnType<typeof createLiveStore>;
