import { ImapFlow } from 'imapflow';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';

import type { LiveEvent } from '@/lib/live/live-events';

import { stack } from '../support/stack';
import { stubAppEnv } from '../support/app-env';

// The live-event watcher against the real Dovecot: its own connection IDLEs on niaj's Inbox and
// reports a message APPENDed by another connection within moments, with no polling.

type WatcherModule = typeof import('@/server/events/mailbox-watcher');
type ConnectionModule = typeof import('@/server/imap/connection');
type ConfigModule = typeof import('@/server/config');

let watcherModule: WatcherModule;
let connection: ConnectionModule;
let configModule: ConfigModule;

beforeAll(async () => {
  stubAppEnv();
  watcherModule = await import('@/server/events/mailbox-watcher');
  connection = await import('@/server/imap/connection');
  configModule = await import('@/server/config');
});

afterAll(() => vi.unstubAllEnvs());

async function append(user: string, subject: string) {
  const client = new ImapFlow({ host: stack.host, port: stack.ports.imap, secure: false, doSTARTTLS: false, auth: { user, pass: `${user}-pass` }, logger: false });
  await client.connect();
  try {
    const raw = `From: a@example.test\r\nTo: ${user}@sealpost.test\r\nSubject: ${subject}\r\nDate: ${new Date().toUTCString()}\r\nMessage-ID: <${subject}@example.test>\r\n\r\nhello\r\n`;
    await client.append('INBOX', Buffer.from(raw), []);
  } finally {
    await client.logout();
  }
}

describe('MailboxWatcher on Dovecot', () => {
  it('reports a new message in the watched folder through IDLE', async () => {
    const events: LiveEvent[] = [];
    const watcher = new watcherModule.MailboxWatcher({
      connect: () => connection.openImap(configModule.config().imap, 'niaj', 'niaj-pass', { autoIdleDelayMs: 200 }),
      folder: 'INBOX',
      // No periodic LIST-STATUS in this test: only IDLE can deliver the event.
      statusIntervalMs: 3_600_000,
      emit: (e) => events.push(e),
    });
    watcher.start();
    try {
      await vi.waitFor(() => expect(events).toContainEqual({ type: 'ready', folder: 'INBOX' }), { timeout: 10_000 });
      // Let imapflow enter IDLE before the message arrives.
      await new Promise((r) => setTimeout(r, 1000));
      await append('niaj', `watch-${Date.now()}`);
      await vi.waitFor(() => expect(events).toContainEqual({ type: 'mailbox', folder: 'INBOX' }), { timeout: 10_000, interval: 100 });
      await vi.waitFor(() => expect(events).toContainEqual({ type: 'folders' }), { timeout: 5_000 });
    } finally {
      watcher.stop();
    }
  });
});
