import { EventEmitter } from 'node:events';

import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

import type { LiveEvent } from '@/lib/live/live-events';

import { AppError } from '../errors';
import { EVENT_COALESCE_MS, MailboxWatcher, type WatchClient } from './mailbox-watcher';

/** A fake imapflow client: folders with counts, and emit() for IDLE notifications. */
class FakeClient extends EventEmitter {
  usable = true;
  opened: string[] = [];
  unseen = 1;
  mailboxOpen = vi.fn(async (path: string) => {
    this.opened.push(path);
    return {} as never;
  });
  list = vi.fn(async () => [{ path: 'INBOX', status: { messages: 5, unseen: this.unseen } }] as never);
  close = vi.fn(() => {
    this.usable = false;
    this.emit('close');
  });
}

function watch(connect: () => Promise<WatchClient>) {
  const events: LiveEvent[] = [];
  const watcher = new MailboxWatcher({ connect, folder: 'INBOX', emit: (e) => events.push(e), statusIntervalMs: 1000, random: () => 1 });
  watcher.start();
  return { watcher, events };
}

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe('MailboxWatcher', () => {
  it('examines the folder, then turns a burst of IDLE notifications into one event', async () => {
    const client = new FakeClient();
    const { watcher, events } = watch(async () => client as unknown as WatchClient);
    await vi.advanceTimersByTimeAsync(0);
    expect(client.mailboxOpen).toHaveBeenCalledWith('INBOX', { readOnly: true });
    expect(events).toEqual([{ type: 'ready', folder: 'INBOX' }]);
    client.emit('exists', { path: 'INBOX', count: 6, prevCount: 5 });
    client.emit('flags', { path: 'INBOX' });
    client.emit('exists', { path: 'Other' });
    await vi.advanceTimersByTimeAsync(EVENT_COALESCE_MS);
    await vi.advanceTimersByTimeAsync(EVENT_COALESCE_MS);
    expect(events.slice(1)).toEqual([{ type: 'mailbox', folder: 'INBOX' }, { type: 'folders' }]);
    watcher.stop();
    expect(client.close).toHaveBeenCalled();
  });

  it('reports changed folder counts found by the periodic LIST-STATUS, and only changes', async () => {
    const client = new FakeClient();
    const { watcher, events } = watch(async () => client as unknown as WatchClient);
    await vi.advanceTimersByTimeAsync(1000 + EVENT_COALESCE_MS);
    expect(events).toEqual([{ type: 'ready', folder: 'INBOX' }]);
    client.unseen = 2;
    await vi.advanceTimersByTimeAsync(1000 + EVENT_COALESCE_MS);
    expect(events.at(-1)).toEqual({ type: 'folders' });
    watcher.stop();
  });

  it('reports a drop once, reconnects with growing delays, and says when it is back', async () => {
    let up = true;
    let connects = 0;
    const clients: FakeClient[] = [];
    const { watcher, events } = watch(async () => {
      connects++;
      if (!up) throw Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED', syscall: 'connect' });
      const c = new FakeClient();
      clients.push(c);
      return c as unknown as WatchClient;
    });
    await vi.advanceTimersByTimeAsync(0);
    up = false;
    clients[0]!.close();
    expect(events.at(-1)).toEqual({ type: 'imap-unavailable' });
    await vi.advanceTimersByTimeAsync(1000); // first retry after 1 s: still down
    await vi.advanceTimersByTimeAsync(2000); // second after 2 s more: still down
    expect(connects).toBe(3);
    expect(events.filter((e) => e.type === 'imap-unavailable')).toHaveLength(1);
    up = true;
    await vi.advanceTimersByTimeAsync(4000);
    expect(connects).toBe(4);
    expect(events.at(-1)).toEqual({ type: 'ready', folder: 'INBOX' });
    watcher.stop();
  });

  it('ends the watch when the server refuses the password', async () => {
    const { events } = watch(async () => {
      throw new AppError('auth-failed');
    });
    await vi.advanceTimersByTimeAsync(60_000);
    expect(events).toEqual([{ type: 'session-ended' }]);
  });

  it('closes a connection that opens after it was stopped', async () => {
    const client = new FakeClient();
    let release: () => void = () => {};
    const { watcher, events } = watch(() => new Promise((r) => (release = () => r(client as unknown as WatchClient))));
    watcher.stop();
    release();
    await vi.advanceTimersByTimeAsync(0);
    expect(client.close).toHaveBeenCalled();
    expect(events).toEqual([]);
  });
});
