import 'server-only';

import type { ImapFlow } from 'imapflow';

import { backoffDelay } from '@/lib/live/backoff';
import type { LiveEvent } from '@/lib/live/live-events';

import { mapImapError } from '../imap/imap-errors';

/** How often the other folders' counts are re-read (LIST-STATUS) while the open one idles. */
export const FOLDER_STATUS_INTERVAL_MS = 30_000;
/** IDLE notifications within this window become one event (a MOVE of 50 messages is one refresh). */
export const EVENT_COALESCE_MS = 250;

/** The part of imapflow's client the watcher uses (a fake stands in for it in unit tests). */
export type WatchClient = Pick<ImapFlow, 'on' | 'mailboxOpen' | 'list' | 'close' | 'usable'>;

export interface WatcherOptions {
  /** Opens an authenticated connection with auto-IDLE on; throws coded errors. */
  connect: () => Promise<WatchClient>;
  folder: string;
  emit: (event: LiveEvent) => void;
  statusIntervalMs?: number;
  random?: () => number;
}

/**
 * Watches one folder over its own IMAP connection: SELECTs it read-only (EXAMINE) and lets
 * imapflow IDLE on it, so new, expunged and re-flagged messages arrive as they happen
 * (RFC 2177); every `statusIntervalMs` it re-reads every folder's counts with LIST-STATUS and
 * reports when any changed. A drop is reported ('imap-unavailable') and retried with backoff;
 * a refused password ends the watch ('session-ended').
 */
export class MailboxWatcher {
  private client: WatchClient | null = null;
  private stopped = false;
  private attempt = 0;
  private down = false;
  private retryTimer: NodeJS.Timeout | undefined;
  private statusTimer: NodeJS.Timeout | undefined;
  private mailboxTimer: NodeJS.Timeout | undefined;
  private foldersTimer: NodeJS.Timeout | undefined;
  private counts: string | null = null;

  constructor(private readonly options: WatcherOptions) {}

  start(): void {
    void this.run();
  }

  stop(): void {
    this.stopped = true;
    this.clearTimers();
    clearTimeout(this.retryTimer);
    const client = this.client;
    this.client = null;
    client?.close();
  }

  private clearTimers() {
    clearInterval(this.statusTimer);
    clearTimeout(this.mailboxTimer);
    clearTimeout(this.foldersTimer);
    this.statusTimer = this.mailboxTimer = this.foldersTimer = undefined;
  }

  private async run(): Promise<void> {
    const { connect, folder, emit } = this.options;
    let client: WatchClient;
    try {
      client = await connect();
    } catch (err) {
      return this.failed(err);
    }
    if (this.stopped) return void client.close();
    this.client = client;
    const changed = (data: { path?: string }) => {
      if (data?.path === folder) this.soon('mailbox');
    };
    client.on('exists', changed);
    client.on('expunge', changed);
    client.on('flags', changed);
    client.on('close', () => {
      if (this.client === client) this.dropped();
    });
    try {
      await client.mailboxOpen(folder, { readOnly: true });
      this.counts = await this.readCounts(client);
    } catch (err) {
      const mapped = mapImapError(err);
      // A folder that is gone (renamed elsewhere) is no outage: the browser reloads its tree.
      if (mapped.code !== 'folder-not-found' && mapped.code !== 'internal') {
        client.close();
        if (this.client === client) this.dropped();
        return;
      }
      this.counts = null;
    }
    if (this.stopped || this.client !== client) return;
    this.attempt = 0;
    this.down = false;
    emit({ type: 'ready', folder });
    this.statusTimer = setInterval(() => void this.pollCounts(client), this.options.statusIntervalMs ?? FOLDER_STATUS_INTERVAL_MS);
    this.statusTimer.unref?.();
  }

  /** Every folder's total and unread count as one comparable string. */
  private async readCounts(client: WatchClient): Promise<string> {
    const list = await client.list({ statusQuery: { messages: true, unseen: true } });
    return list.map((f) => `${f.path}\u0000${f.status?.messages ?? ''}\u0000${f.status?.unseen ?? ''}`).sort().join('\u0001');
  }

  private async pollCounts(client: WatchClient) {
    try {
      const counts = await this.readCounts(client);
      if (counts !== this.counts) {
        this.counts = counts;
        this.soon('folders');
      }
    } catch {
      // A dead connection emits 'close' (handled there); a refused LIST changes nothing.
    }
  }

  /** Coalesces a burst of notifications into one event of each kind. */
  private soon(kind: 'mailbox' | 'folders') {
    const fire = () => {
      if (this.stopped) return;
      if (kind === 'mailbox') {
        this.mailboxTimer = undefined;
        this.options.emit({ type: 'mailbox', folder: this.options.folder });
        // The open folder's unread count is in the tree too.
        this.soon('folders');
      } else {
        this.foldersTimer = undefined;
        this.options.emit({ type: 'folders' });
      }
    };
    if (kind === 'mailbox') this.mailboxTimer ??= setTimeout(fire, EVENT_COALESCE_MS);
    else this.foldersTimer ??= setTimeout(fire, EVENT_COALESCE_MS);
  }

  private dropped() {
    this.client = null;
    this.clearTimers();
    if (this.stopped) return;
    this.reportDown();
    this.retry();
  }

  private failed(err: unknown) {
    if (this.stopped) return;
    const mapped = mapImapError(err);
    if (mapped.code === 'auth-failed' || mapped.code === 'not-signed-in') {
      this.options.emit({ type: 'session-ended' });
      this.stop();
      return;
    }
    this.reportDown();
    this.retry();
  }

  private reportDown() {
    if (this.down) return;
    this.down = true;
    this.options.emit({ type: 'imap-unavailable' });
  }

  private retry() {
    clearTimeout(this.retryTimer);
    this.retryTimer = setTimeout(() => void this.run(), backoffDelay(this.attempt++, this.options.random));
    this.retryTimer.unref?.();
  }
}
