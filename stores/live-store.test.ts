import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

import { ApiRequestError } from '@/lib/api/client';
import { formatLiveEvent, type LiveEvent } from '@/lib/live/live-events';

import { type EventSourceLike, createLiveStore } from './live-store';

class FakeSource implements EventSourceLike {
  readyState = 1;
  onerror: ((event: Event) => void) | null = null;
  closed = false;
  private listeners = new Map<string, ((e: MessageEvent<string>) => void)[]>();
  constructor(readonly folder: string) {}
  addEventListener(type: string, listener: (e: MessageEvent<string>) => void) {
    this.listeners.set(type, [...(this.listeners.get(type) ?? []), listener]);
  }
  close() {
    this.closed = true;
    this.readyState = 2;
  }
  /** Delivers an event the way EventSource parses formatLiveEvent's text. */
  push(event: LiveEvent) {
    const [, name, data] = /^event: (.*)\ndata: (.*)\n\n$/.exec(formatLiveEvent(event))!;
    for (const l of this.listeners.get(name!) ?? []) l({ data } as MessageEvent<string>);
  }
  fail(readyState: number) {
    this.readyState = readyState;
    this.onerror?.(new Event('error'));
  }
}

const down = () => new ApiRequestError('imap-unavailable', 'The mail server cannot be reached. Try again later.', 503);

function setup(probe: () => Promise<unknown> = async () => ({})) {
  const sources: FakeSource[] = [];
  const calls = { mailbox: 0, folders: 0, recovered: 0, ended: 0 };
  const store = createLiveStore({
    openStream: (folder) => {
      const s = new FakeSource(folder);
      sources.push(s);
      return s;
    },
    probe,
    onMailbox: () => calls.mailbox++,
    onFolders: () => calls.folders++,
    onRecovered: () => calls.recovered++,
    onSessionEnded: () => calls.ended++,
    random: () => 1,
  });
  return { store, sources, calls };
}

beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

describe('live store', () => {
  it('passes mailbox and folder events on, and moves the stream with the open folder', () => {
    const { store, sources, calls } = setup();
    store.getState().watch('INBOX');
    sources[0]!.push({ type: 'ready', folder: 'INBOX' });
    sources[0]!.push({ type: 'mailbox', folder: 'INBOX' });
    sources[0]!.push({ type: 'folders' });
    expect(calls).toMatchObject({ mailbox: 1, folders: 1, recovered: 0 });
    store.getState().watch('Sent');
    expect(sources[0]!.closed).toBe(true);
    sources[0]!.push({ type: 'mailbox', folder: 'INBOX' }); // a late event of the closed stream
    expect(calls.mailbox).toBe(1);
    expect(sources[1]!.folder).toBe('Sent');
    store.getState().stop();
    expect(sources[1]!.closed).toBe(true);
  });

  it('shows the outage from the stream and re-reads everything when the server is back', () => {
    const { store, sources, calls } = setup(() => Promise.reject(down()));
    store.getState().watch('INBOX');
    sources[0]!.push({ type: 'imap-unavailable' });
    expect(store.getState().imapDown).toBe(true);
    sources[0]!.push({ type: 'ready', folder: 'INBOX' });
    expect(store.getState().imapDown).toBe(false);
    expect(calls.recovered).toBe(1);
  });

  it('probes with growing delays after a failed API call until one works', async () => {
    let attempts = 0;
    const { store, calls } = setup(async () => {
      attempts++;
      if (attempts < 3) throw down();
    });
    store.getState().reportApiError(down());
    store.getState().reportApiError(new ApiRequestError('folder-not-found', 'gone', 404));
    expect(store.getState().imapDown).toBe(true);
    await vi.advanceTimersByTimeAsync(1000);
    expect(attempts).toBe(1);
    await vi.advanceTimersByTimeAsync(1999);
    expect(attempts).toBe(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(attempts).toBe(2);
    await vi.advanceTimersByTimeAsync(4000);
    expect(attempts).toBe(3);
    expect(store.getState().imapDown).toBe(false);
    expect(calls.recovered).toBe(1);
  });

  it('ignores errors other than an unreachable mail server', () => {
    const { store } = setup();
    store.getState().reportApiError(new ApiRequestError('network', 'offline', 0));
    store.getState().reportApiError(new Error('x'));
    expect(store.getState().imapDown).toBe(false);
  });

  it('re-reads after the browser reconnected a broken stream', () => {
    const { store, sources, calls } = setup();
    store.getState().watch('INBOX');
    sources[0]!.push({ type: 'ready', folder: 'INBOX' });
    sources[0]!.fail(0); // CONNECTING: the browser retries itself
    sources[0]!.push({ type: 'ready', folder: 'INBOX' });
    expect(calls.recovered).toBe(1);
    expect(sources).toHaveLength(1);
  });

  it('reconnects a refused stream itself, and ends when the session is over', async () => {
    let signedIn = true;
    const { store, sources, calls } = setup(async () => {
      if (!signedIn) throw new ApiRequestError('not-signed-in', 'ended', 401);
    });
    store.getState().watch('INBOX');
    sources[0]!.fail(2);
    await vi.advanceTimersByTimeAsync(1000);
    expect(sources).toHaveLength(2);
    signedIn = false;
    sources[1]!.fail(2);
    await vi.advanceTimersByTimeAsync(0);
    expect(calls.ended).toBe(1);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(sources).toHaveLength(2);
  });

  it('closes the stream when the server says the session ended', () => {
    const { store, sources, calls } = setup();
    store.getState().watch('INBOX');
    sources[0]!.push({ type: 'session-ended' });
    expect(sources[0]!.closed).toBe(true);
    expect(calls.ended).toBe(1);
    expect(store.getState().folder).toBeNull();
  });
});
