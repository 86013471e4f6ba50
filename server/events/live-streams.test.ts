import { EventEmitter } from 'node:events';

import { describe, expect, it, vi } from 'vitest';

import type { Session } from '../session/session-store';
import { MAX_STREAMS_PER_SESSION, liveStreamCount, openLiveStream } from './live-streams';
import type { WatchClient } from './mailbox-watcher';

function fakeClient() {
  const c = Object.assign(new EventEmitter(), {
    usable: true,
    mailboxOpen: vi.fn(async () => ({})),
    list: vi.fn(async () => []),
    close: vi.fn(() => c.emit('close')),
  });
  return c;
}

const session = (id: string): Session =>
  ({ id, username: 'niaj', email: 'niaj@sealpost.test', createdAt: 0, lastSeen: 0 }) as unknown as Session;

async function readAll(stream: ReadableStream<Uint8Array>): Promise<string> {
  return new Response(stream).text();
}

describe('live streams', () => {
  it('sends the retry hint and ready, and ends when the browser goes away', async () => {
    const client = fakeClient();
    const abort = new AbortController();
    const s = session('a');
    const stream = openLiveStream(s, 'INBOX', abort.signal, async () => client as unknown as WatchClient);
    const reader = stream.getReader();
    const decoder = new TextDecoder();
    let text = '';
    while (!text.includes('event: ready')) text += decoder.decode((await reader.read()).value);
    expect(text).toBe('retry: 3000\n\nevent: ready\ndata: {"folder":"INBOX"}\n\n');
    expect(liveStreamCount()).toBe(1);
    abort.abort();
    expect((await reader.read()).done).toBe(true);
    expect(client.close).toHaveBeenCalled();
    expect(liveStreamCount()).toBe(0);
    expect(s.onEnd?.size ?? 0).toBe(0);
  });

  it('keeps at most MAX_STREAMS_PER_SESSION per session, closing the oldest', async () => {
    const s = session('b');
    const clients = Array.from({ length: MAX_STREAMS_PER_SESSION + 1 }, fakeClient);
    const streams = clients.map((c) => openLiveStream(s, 'INBOX', new AbortController().signal, async () => c as unknown as WatchClient));
    expect(liveStreamCount()).toBe(MAX_STREAMS_PER_SESSION);
    expect(await readAll(streams[0]!)).toContain('retry:');
    // The session ends: every stream says so and closes.
    for (const listener of s.onEnd ?? []) listener();
    const rest = await Promise.all(streams.slice(1).map(readAll));
    for (const text of rest) expect(text).toContain('event: session-ended');
    expect(liveStreamCount()).toBe(0);
  });

  it('closes at once for a session that has already ended', async () => {
    const s = { ...session('c'), ended: true } as Session;
    const text = await readAll(openLiveStream(s, 'INBOX', new AbortController().signal, async () => fakeClient() as unknown as WatchClient));
    expect(text).toBe('retry: 3000\n\nevent: session-ended\ndata: {}\n\n');
    expect(liveStreamCount()).toBe(0);
  });
});
