import { ImapFlow } from 'imapflow';

// Reads a test user's mailbox over IMAP, so a spec can check what really arrived (or what a
// folder holds) instead of trusting the UI that put it there.
const scripts = { instance: () => import('../../scripts/stack/instance.mjs') };

export interface StoredMessage {
  uid: number;
  source: Buffer;
  flags: Set<string>;
}

/** Messages in `folder` whose Subject contains `subject` (IMAP SEARCH, server-side). */
export async function findMessages(user: string, folder: string, subject: string): Promise<StoredMessage[]> {
  const inst = (await scripts.instance()).resolveInstance(process.env.SEALPOST_STACK_INSTANCE ?? 'test');
  const client = new ImapFlow({ host: inst.host, port: inst.ports.imap, secure: false, doSTARTTLS: false, auth: { user, pass: `${user}-pass` }, logger: false });
  await client.connect();
  try {
    const lock = await client.getMailboxLock(folder, { readOnly: true });
    try {
      const uids = await client.search({ subject }, { uid: true });
      if (!uids || uids.length === 0) return [];
      const out: StoredMessage[] = [];
      for await (const m of client.fetch(uids, { source: true, flags: true }, { uid: true })) {
        if (m.source) out.push({ uid: m.uid, source: m.source, flags: m.flags ?? new Set() });
      }
      return out;
    } finally {
      lock.release();
    }
  } finally {
    await client.logout();
  }
}

/** Polls until `folder` holds exactly `count` messages with this subject, then returns them. */
export async function waitForMessages(user: string, folder: string, subject: string, count = 1, timeoutMs = 15_000): Promise<StoredMessage[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = await findMessages(user, folder, subject);
    if (found.length === count || Date.now() > deadline) return found;
    await new Promise((r) => setTimeout(r, 250));
  }
}
