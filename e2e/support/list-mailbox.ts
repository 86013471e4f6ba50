import { ImapFlow } from 'imapflow';

// Folders of the message-list tests (users heidi and ivan): a fresh folder per test, filled
// over IMAP, so sort and search results never depend on other tests' mail.
const scripts = {
  instance: () => import('../../scripts/stack/instance.mjs'),
  fillFolder: () => import('../../scripts/stack/fill-folder.mjs'),
};

async function imap(user: string) {
  const inst = (await scripts.instance()).resolveInstance(process.env.SEALPOST_STACK_INSTANCE ?? 'test');
  return { inst, client: new ImapFlow({ host: inst.host, port: inst.ports.imap, secure: false, doSTARTTLS: false, auth: { user, pass: `${user}-pass` }, logger: false }) };
}

/** Creates a folder (if missing) and appends messages to it, each with its flags. */
export async function fillTestFolder(user: string, folder: string, messages: { raw: Buffer; flags?: string[] }[]): Promise<void> {
  const { client } = await imap(user);
  await client.connect();
  try {
    await client.mailboxCreate(folder).catch(() => {});
    for (const m of messages) {
      if (!(await client.append(folder, m.raw, m.flags ?? []))) throw new Error(`APPEND to ${user}/${folder} failed`);
    }
  } finally {
    await client.logout();
  }
}

/** The number of messages in a folder, 0 when it does not exist. */
export async function folderSize(user: string, folder: string): Promise<number> {
  const { client } = await imap(user);
  await client.connect();
  try {
    const status = await client.status(folder, { messages: true }).catch(() => null);
    return status ? (status.messages ?? 0) : 0;
  } finally {
    await client.logout();
  }
}

/**
 * A folder of `count` generated messages (scripts/stack/fill-folder.mjs, MULTIAPPEND), filled
 * once and reused by later runs, over one connection so that message i arrives after message
 * i-1 (and is dated after it); its subject ends in "#i"
 * (a reply, every 7th from i = 3, ends in "#(i-1)").
 */
export async function ensureBulkFolder(user: string, folder: string, count: number): Promise<void> {
  const have = await folderSize(user, folder);
  if (have === count) return;
  const { inst, client } = await imap(user);
  if (have > 0) {
    await client.connect();
    await client.mailboxDelete(folder).finally(() => client.logout());
  }
  await (await scripts.fillFolder()).fillFolder({ host: inst.host, port: inst.ports.imap, user, password: `${user}-pass`, folder, count, connections: 1 });
}
