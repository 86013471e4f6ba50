// Fills one IMAP folder with many generated messages, for performance work (works against any
// IMAP server). Several connections append slices of the range in parallel.
import { ImapFlow } from 'imapflow';

import { buildMessage } from './mail-factory.mjs';

const WORDS = ['report', 'meeting', 'invoice', 'Grüße', 'update', 'plan', 'review', 'café', 'release', 'budget', 'travel', 'résumé', 'ticket', 'draft', 'notes'];
const SENDERS = ['Ana Souza', 'Ben Okafor', 'Chloé Martin', 'Dmitri Ivanov', 'Eva Nováková', 'Farah Haddad', 'Gustav Ødegaard', 'Hiro Tanaka'];

/** The i-th generated message: varied senders, subjects, sizes and dates over ~8 years. */
export function fillerMessage(i, now = Date.now()) {
  const h = (Math.imul(i + 1, 2654435761) >>> 0) / 4294967296;
  const name = SENDERS[i % SENDERS.length];
  const subject = `${WORDS[i % WORDS.length]} ${WORDS[(i * 7) % WORDS.length]} #${i}`;
  const lines = 1 + Math.floor(h * 30);
  return {
    date: new Date(now - Math.floor(((100000 - (i % 100000)) / 100000) * 8 * 365 * 86400000) - Math.floor(h * 3600000)),
    raw: buildMessage({
      from: { name, address: `${name.split(' ')[0].toLowerCase().normalize('NFD').replace(/[^a-z]/g, '')}@bulk.example` },
      to: ['perf@sealpost.test'],
      subject,
      date: new Date(now - (100000 - (i % 100000)) * 2400000),
      messageId: `fill-${i}-${Math.floor(h * 1e9)}@bulk.example`,
      text: Array.from({ length: lines }, (_, k) => `Line ${k + 1} of message ${i}: ${WORDS[(i + k) % WORDS.length]}.`).join('\n'),
      attachments: i % 50 === 0 ? [{ filename: `data-${i}.csv`, contentType: 'text/csv', content: Buffer.from('a,b\r\n1,2\r\n') }] : [],
    }),
    flags: h < 0.8 ? ['\\Seen'] : [],
  };
}

/**
 * @param {{ host: string, port: number, user: string, password: string, folder: string, count: number,
 *           start?: number, connections?: number, onProgress?: (done: number) => void }} o
 * @returns {Promise<{ appended: number, ms: number }>}
 */
export async function fillFolder({ host, port, user, password, folder, count, start = 0, connections = 4, onProgress }) {
  const t0 = Date.now();
  const connect = async () => {
    const c = new ImapFlow({ host, port, secure: false, auth: { user, pass: password }, logger: false });
    await c.connect();
    return c;
  };
  const first = await connect();
  const existing = await first.list();
  if (!existing.some((m) => m.path === folder)) await first.mailboxCreate(folder);
  await first.logout();

  let next = start;
  let done = 0;
  const end = start + count;
  const worker = async () => {
    const client = await connect();
    try {
      for (let i = next++; i < end; i = next++) {
        const m = fillerMessage(i);
        if (!(await client.append(folder, m.raw, m.flags, m.date))) throw new Error(`APPEND ${i} failed`);
        if (++done % 1000 === 0) onProgress?.(done);
      }
    } finally {
      await client.logout();
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, connections) }, worker));
  return { appended: done, ms: Date.now() - t0 };
}
