import { ImapFlow } from 'imapflow';

import { stack } from './stack';

// A test's own IMAP connection as one of the mailbox-only test users, to set up and check
// what the app's server modules did.

export async function withImapUser<T>(user: string, work: (client: ImapFlow) => Promise<T>): Promise<T> {
  const client = new ImapFlow({ host: stack.host, port: stack.ports.imap, secure: false, doSTARTTLS: false, auth: { user, pass: `${user}-pass` }, logger: false });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.logout();
  }
}

/** Deletes every folder that is not INBOX or special-use, deepest first. */
export async function removeOwnFolders(user: string): Promise<void> {
  await withImapUser(user, async (client) => {
    const own = (await client.list()).filter((m) => m.path !== 'INBOX' && !m.specialUse).sort((a, b) => b.path.length - a.path.length);
    for (const m of own) await client.mailboxDelete(m.path).catch(() => {});
  });
}

export async function folderPaths(user: string): Promise<string[]> {
  return withImapUser(user, async (client) => (await client.list()).map((m) => m.path).sort());
}

/** A small message with a unique subject. */
export function testMessage(subject: string): Buffer {
  return Buffer.from(
    [`From: Test <test@sealpost.test>`, `To: x@sealpost.test`, `Subject: ${subject}`, 'Date: Mon, 23 Nov 2026 10:00:00 +0000', '', 'body', ''].join('\r\n'),
  );
}

/** The subjects in a folder, by UID. */
export async function subjects(user: string, folder: string): Promise<string[]> {
  return withImapUser(user, async (client) => {
    const lock = await client.getMailboxLock(folder, { readOnly: true });
    try {
      const out: string[] = [];
      if (client.mailbox && client.mailbox.exists > 0) for await (const m of client.fetch('1:*', { envelope: true })) out.push(m.envelope?.subject ?? '');
      return out;
    } finally {
      lock.release();
    }
  });
}
