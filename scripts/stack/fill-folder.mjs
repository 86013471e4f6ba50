// Fills one IMAP folder with many generated messages for performance work. Plain IMAP APPEND,
// so it works against any server, batched with MULTIAPPEND (RFC 3502) where the server offers
// it: one APPEND per message makes Dovecot re-sync a Maildir folder each time, which grows with
// the folder (1,000 single APPENDs into a 10,000-message folder took 20 s, batched 1.5 s).
// imapflow sends one message per APPEND, hence the small client below.
// The i-th message is always the same (for a given `now`), so runs are comparable.
import net from 'node:net';
import tls from 'node:tls';

import { buildMessage } from './mail-factory.mjs';
import { samplePdf, samplePng } from './sample-files.mjs';

const DAY = 86_400_000;
/** Dates of the filler messages reach this far back. */
const SPREAD_YEARS = 8;

const FIRST = ['Ana', 'Ben', 'Chloé', 'Dmitri', 'Eva', 'Farah', 'Gustav', 'Hiro', 'Inès', 'Jonas', 'Kalani', 'Łucja', 'Mateo', 'Nnamdi', 'Olga', 'Pál', 'Qiu', 'Renée', 'Sven', 'Tomás', 'Ümit', 'Vera', 'Wen', 'Yara', 'Zoltán'];
const LAST = ['Souza', 'Okafor', 'Martin', 'Ivanov', 'Nováková', 'Haddad', 'Ødegaard', 'Tanaka', 'García', 'Schäfer', 'Kowalski', 'Nguyen', 'Lindqvist', 'Müller', 'Öztürk'];
const DOMAINS = ['bulk.example', 'mail.example', 'corp.example', 'firma.example', 'univ.example'];
const TOPICS = ['report', 'meeting', 'invoice', 'update', 'plan', 'review', 'release', 'budget', 'travel', 'ticket', 'draft', 'notes', 'Angebot', 'Rechnung', 'réunion', 'presupuesto', '会議', 'σύσκεψη'];
const ADJECTIVES = ['weekly', 'final', 'revised', 'urgent', 'quarterly', 'short', 'updated', 'pending', 'größerer', 'nouveau'];
const WORDS = 'the a we our team will please review send update before after meeting numbers customer server release notes draft plan budget travel agree schedule office project week month report ticket change'.split(' ');

/** A small deterministic hash of (i, salt) in [0, 1). */
function h(i, salt = 0) {
  let x = Math.imul((i + 1) ^ Math.imul(salt + 1, 0x9e3779b1), 0x85ebca6b) >>> 0;
  x = Math.imul(x ^ (x >>> 13), 0xc2b2ae35) >>> 0;
  return ((x ^ (x >>> 16)) >>> 0) / 4294967296;
}

const pickH = (list, i, salt) => list[Math.floor(h(i, salt) * list.length)];
const baseSubject = (i) => `${pickH(ADJECTIVES, i, 1)} ${pickH(TOPICS, i, 2)} ${pickH(TOPICS, i, 3)} #${i}`;

/**
 * The i-th filler message of a folder of `total`: varied senders, subjects (some replies),
 * sizes (mostly small, every 25th some KB, every 40th with an attachment), read state and dates
 * spread over the last eight years, older for smaller i.
 * @returns {{ raw: Buffer, date: Date, flags: string[] }}
 */
export function fillerMessage(i, { total, now, to = 'perf@sealpost.test' }) {
  const date = new Date(Math.floor((now - ((total - 1 - i) / Math.max(1, total)) * SPREAD_YEARS * 365 * DAY - h(i, 4) * 3_600_000) / 1000) * 1000);
  const first = pickH(FIRST, i, 5);
  const last = pickH(LAST, i, 6);
  const local = `${first}.${last}`.normalize('NFD').replace(/[^A-Za-z.]/g, '').toLowerCase();
  const reply = i > 0 && i % 7 === 3;
  const lineCount = i % 25 === 0 ? 150 + Math.floor(h(i, 7) * 250) : 1 + Math.floor(h(i, 7) * 20);
  const lines = Array.from({ length: lineCount }, (_, k) => Array.from({ length: 6 + ((i + k) % 9) }, (_, w) => WORDS[(i * 31 + k * 7 + w * 3) % WORDS.length]).join(' ') + '.');
  const attachments = [];
  if (i % 40 === 0) {
    attachments.push(
      [
        { filename: `data-${i}.csv`, contentType: 'text/csv', content: `id,value\r\n${i},${Math.floor(h(i, 8) * 1000)}\r\n` },
        { filename: `Bericht ${i}.pdf`, contentType: 'application/pdf', content: samplePdf(`Report ${i}`) },
        { filename: `chart-${i}.png`, contentType: 'image/png', content: samplePng(32, 24) },
      ][(i / 40) % 3],
    );
  }
  const raw = buildMessage({
    from: { name: `${first} ${last}`, address: `${local}@${pickH(DOMAINS, i, 9)}` },
    to: [to],
    subject: reply ? `Re: ${baseSubject(i - 1)}` : baseSubject(i),
    date,
    messageId: `fill-${i}@${pickH(DOMAINS, i, 9)}`,
    ...(reply ? { inReplyTo: `fill-${i - 1}@${pickH(DOMAINS, i - 1, 9)}`, references: [`fill-${i - 1}@${pickH(DOMAINS, i - 1, 9)}`] } : {}),
    text: `Hello,\n\n${lines.join('\n')}\n\n${first}`,
    attachments,
  });
  const r = h(i, 10);
  return { raw, date, flags: [...(r < 0.85 ? ['\\Seen'] : []), ...(r > 0.97 ? ['\\Flagged'] : [])] };
}

/** Messages per MULTIAPPEND command, and the most bytes one command carries. */
const BATCH_MESSAGES = 250;
const BATCH_BYTES = 8 * 1024 * 1024;

/**
 * Appends `count` filler messages (indexes start .. start+count-1) to `folder`, creating it if
 * needed, over `connections` parallel IMAP connections.
 * @param {{ host: string, port: number, user: string, password: string, folder: string, count: number,
 *           start?: number, total?: number, connections?: number, secure?: boolean, now?: number,
 *           onProgress?: (done: number, count: number) => void }} options
 *   total: size of the whole series, for the date spread (defaults to start + count)
 * @returns {Promise<{ appended: number, ms: number, multiappend: boolean }>}
 */
export async function fillFolder({ host, port, user, password, folder, count, start = 0, total = start + count, connections = 4, secure = false, now = Date.now(), onProgress }) {
  if (!Number.isInteger(count) || count < 0) throw new RangeError(`count must be a non-negative integer, got ${count}`);
  if (!Number.isInteger(connections) || connections < 1 || connections > 32) throw new RangeError(`connections must be 1 to 32, got ${connections}`);
  const t0 = Date.now();
  const open = () => AppendClient.connect({ host, port, secure, user, password });

  const first = await open();
  let multiappend;
  try {
    await first.ensureMailbox(folder);
    multiappend = first.capabilities.has('MULTIAPPEND');
  } finally {
    await first.logout();
  }

  const to = user.includes('@') ? user : `${user}@sealpost.test`;
  const batchSize = multiappend ? BATCH_MESSAGES : 1;
  let next = start;
  let done = 0;
  let failure = null;
  let lastReport = 0;
  const end = start + count;
  const worker = async () => {
    let client = null;
    try {
      client = await open();
      // Batches are taken in index order, so the folder ends up roughly in date order.
      while (next < end && !failure) {
        const batch = [];
        let bytes = 0;
        while (next < end && batch.length < batchSize && bytes < BATCH_BYTES) {
          const m = fillerMessage(next++, { total, now, to });
          batch.push(m);
          bytes += m.raw.length;
        }
        await client.append(folder, batch);
        done += batch.length;
        if (onProgress && (done === count || Date.now() - lastReport > 500)) {
          lastReport = Date.now();
          onProgress(done, count);
        }
      }
    } catch (e) {
      failure ??= e;
    } finally {
      await client?.logout();
    }
  };
  await Promise.all(Array.from({ length: Math.min(connections, Math.max(1, Math.ceil(count / batchSize))) }, worker));
  if (failure) throw failure;
  return { appended: done, ms: Date.now() - t0, multiappend };
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
/** RFC 3501 §9 date-time: "23-Nov-2026 08:21:28 +0000". */
const imapDate = (d) => `${String(d.getUTCDate()).padStart(2, '0')}-${MONTHS[d.getUTCMonth()]}-${d.getUTCFullYear()} ${d.toISOString().slice(11, 19)} +0000`;
const quoted = (s) => {
  if (/[\r\n\0]/.test(s)) throw new TypeError('CR, LF and NUL cannot be sent in a quoted string');
  return `"${s.replace(/(["\\])/g, '\\$1')}"`;
};
/** RFC 3501 §5.1.3 modified UTF-7 for mailbox names. */
export const mailboxUtf7 = (name) =>
  name.replace(/&/g, '&-').replace(/[^\x20-\x7e]+/g, (run) => `&${Buffer.from(run, 'utf16le').swap16().toString('base64').replace(/=+$/, '').replace(/\//g, ',')}-`);

/** Just enough IMAP for appending: LOGIN, LIST, CREATE, (MULTI)APPEND, LOGOUT; one command at a time. */
class AppendClient {
  static async connect({ host, port, secure, user, password }) {
    const socket = secure ? tls.connect({ host, port, servername: host }) : net.connect({ host, port });
    socket.setNoDelay(true);
    const client = new AppendClient(socket);
    await new Promise((resolve, reject) => {
      socket.once(secure ? 'secureConnect' : 'connect', resolve);
      socket.once('error', reject);
    });
    const greeting = await client.nextLine();
    if (!/^\* (OK|PREAUTH)/i.test(greeting)) throw new Error(`IMAP server ${host}:${port} refused the connection: ${greeting}`);
    await client.command(`LOGIN ${quoted(user)} ${quoted(password)}`);
    if (!client.capabilities.size) await client.command('CAPABILITY');
    return client;
  }

  constructor(socket) {
    this.socket = socket;
    this.buffer = '';
    this.lines = [];
    this.waiter = null;
    this.error = null;
    this.tagCount = 0;
    /** @type {Set<string>} */
    this.capabilities = new Set();
    socket.setEncoding('latin1');
    socket.on('data', (chunk) => {
      this.buffer += chunk;
      let at;
      while ((at = this.buffer.indexOf('\r\n')) >= 0) {
        this.lines.push(this.buffer.slice(0, at));
        this.buffer = this.buffer.slice(at + 2);
      }
      this.wake();
    });
    const fail = (e) => {
      this.error ??= e;
      this.wake();
    };
    socket.on('error', fail);
    socket.on('close', () => fail(new Error('the IMAP server closed the connection')));
  }

  wake() {
    const w = this.waiter;
    this.waiter = null;
    w?.();
  }

  async nextLine() {
    while (!this.lines.length) {
      if (this.error) throw this.error;
      await new Promise((resolve) => (this.waiter = resolve));
    }
    return this.lines.shift();
  }

  /**
   * Sends a command whose literals follow `parts` (strings between them); waits for "+" before
   * each literal unless the server takes LITERAL+ (RFC 7888). Returns the untagged lines.
   * @param {string | (string | Buffer)[]} parts  text, then alternately a literal (Buffer) and text
   */
  async command(parts) {
    const tag = `f${++this.tagCount}`;
    const list = typeof parts === 'string' ? [parts] : parts;
    const plus = this.capabilities.has('LITERAL+');
    const untagged = [];
    let text = `${tag} `;
    for (const part of list) {
      if (!Buffer.isBuffer(part)) {
        text += part;
        continue;
      }
      this.socket.write(`${text}{${part.length}${plus ? '+' : ''}}\r\n`, 'latin1');
      if (!plus) {
        for (let line = await this.nextLine(); !line.startsWith('+'); line = await this.nextLine()) {
          if (line.startsWith(`${tag} `)) throw new Error(`IMAP refused the literal: ${line}`);
          untagged.push(line);
        }
      }
      this.socket.write(part);
      text = '';
    }
    this.socket.write(`${text}\r\n`, 'latin1');
    for (;;) {
      const line = await this.nextLine();
      const caps = line.match(/^(?:\* CAPABILITY|\S+ OK \[CAPABILITY) ([^\]]*)/i);
      if (caps) this.capabilities = new Set(caps[1].toUpperCase().split(' '));
      if (!line.startsWith(`${tag} `)) {
        untagged.push(line);
        continue;
      }
      if (!/^\S+ OK/i.test(line)) throw Object.assign(new Error(`IMAP ${list[0].toString().split(' ')[0]} failed: ${line.slice(tag.length + 1)}`), { response: line });
      return untagged;
    }
  }

  async ensureMailbox(name) {
    const listed = await this.command(`LIST "" ${quoted(mailboxUtf7(name))}`);
    if (!listed.some((l) => /^\* LIST /i.test(l))) await this.command(`CREATE ${quoted(mailboxUtf7(name))}`);
  }

  /** One APPEND with all `messages` (MULTIAPPEND when there are several). */
  async append(folder, messages) {
    const parts = [`APPEND ${quoted(mailboxUtf7(folder))}`];
    for (const m of messages) {
      parts.push(` (${m.flags.join(' ')}) "${imapDate(m.date)}" `, m.raw);
    }
    parts.push('');
    await this.command(parts);
  }

  async logout() {
    try {
      if (!this.error) await this.command('LOGOUT');
    } catch {
      // closing anyway
    } finally {
      this.socket.destroy();
    }
  }
}
