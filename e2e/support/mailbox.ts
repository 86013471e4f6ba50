import { ImapFlow } from 'imapflow';

// Puts a test's own message into a demo user's mailbox over IMAP, so a test never depends on
// which seeded message happens to be where. The stack's scripts are ES modules: Playwright's
// loader compiles specs to CommonJS, so they are loaded with import().
const scripts = {
  instance: () => import('../../scripts/stack/instance.mjs'),
  mailFactory: () => import('../../scripts/stack/mail-factory.mjs'),
  sampleFiles: () => import('../../scripts/stack/sample-files.mjs'),
};

export const buildMessage = async (...args: Parameters<Awaited<ReturnType<typeof scripts.mailFactory>>['buildMessage']>) =>
  (await scripts.mailFactory()).buildMessage(...args);
export const samplePng = async (width: number, height: number) => (await scripts.sampleFiles()).samplePng(width, height);
export const samplePdf = async (text: string) => (await scripts.sampleFiles()).samplePdf(text);

export async function appendMessage(user: string, raw: Buffer, { folder = 'INBOX', seen = false } = {}): Promise<void> {
  const inst = (await scripts.instance()).resolveInstance(process.env.SEALPOST_STACK_INSTANCE ?? 'test');
  const client = new ImapFlow({ host: inst.host, port: inst.ports.imap, secure: false, doSTARTTLS: false, auth: { user, pass: `${user}-pass` }, logger: false });
  await client.connect();
  try {
    const ok = await client.append(folder, raw, seen ? ['\\Seen'] : []);
    if (!ok) throw new Error(`APPEND to ${user}/${folder} failed`);
  } finally {
    await client.logout();
  }
}
