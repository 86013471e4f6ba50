import { ImapFlow } from 'imapflow';

// Sets up and checks a mailbox-only test user's folders over IMAP (the stack's instance, as
// e2e/support/mailbox.ts does), so each folder test starts from a known tree.
const instance = () => import('../../scripts/stack/instance.mjs');

async function withUser<T>(user: string, work: (client: ImapFlow) => Promise<T>): Promise<T> {
  const inst = (await instance()).resolveInstance(process.env.SEALPOST_STACK_INSTANCE ?? 'test');
  const client = new ImapFlow({ host: inst.host, port: inst.ports.imap, secure: false, doSTARTTLS: false, auth: { user, pass: `${user}-pass` }, logger: false });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.logout();
  }
}

/** Deletes the user's own folders (not INBOX, not special-use), then creates `create` in order. */
export async function resetFolders(user: string, create: string[] = []): Promise<void> {
  await withUser(user, async (client) => {
    const own = (await client.list()).filter((m) => m.path !== 'INBOX' && !m.specialUse).sort((a, b) => b.path.length - a.path.length);
    for (const m of own) await client.mailboxDelete(m.path);
    for (const path of create) await client.mailboxCreate(path);
  });
}

/** Deletes every message in a folder. */
export async function clearFolder(user: string, folder: string): Promise<void> {
  await withUser(user, async (client) => {
    const lock = await client.getMailboxLock(folder);
    try {
      if (client.mailbox && client.mailbox.exists > 0) await client.messageDelete('1:*');
    } finally {
      lock.release();
    }
  });
}

/** The subjects in a folder on the server. */
export async function folderSubjects(user: string, folder: string): Promise<string[]> {
  return withUser(user, async (client) => {
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

/** The user's folder paths on the server. */
export async function folderPaths(user: string): Promise<string[]> {
  return withUser(user, async (client) => (await client.list()).map((m) => m.path).sort());
}
