import crypto from 'node:crypto';

import { ImapFlow } from 'imapflow';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';

import { buildMessage } from '../../scripts/stack/mail-factory.mjs';
import { MALFORMED_KINDS, malformedMessage } from '../fixtures/malformed-messages';
import { stack } from '../support/stack';
import { stubAppEnv } from '../support/app-env';

// The reader's server side against the real Dovecot, in rupert's mailbox (the reader area's
// integration user): BODYSTRUCTURE as a bounded tree, one part's raw bytes streamed in chunks,
// and the message list coping with malformed mail.

type StructureModule = typeof import('@/server/imap/message-structure');
type PartModule = typeof import('@/server/imap/message-part');
type MessagesModule = typeof import('@/server/imap/messages');
type SessionsModule = typeof import('@/server/session/sessions');
type Session = import('@/server/session/session-store').Session;

const USER = 'rupert';
let structure: StructureModule;
let part: PartModule;
let messages: MessagesModule;
let sessions: SessionsModule;
let session: Session;

beforeAll(async () => {
  stubAppEnv();
  structure = await import('@/server/imap/message-structure');
  part = await import('@/server/imap/message-part');
  messages = await import('@/server/imap/messages');
  sessions = await import('@/server/session/sessions');
  session = sessions.sessionStore().create(USER, `${USER}@sealpost.test`, `${USER}-pass`, '127.0.0.1');
});

afterAll(() => {
  sessions.sessionStore().destroy(session.id);
  vi.unstubAllEnvs();
});

async function withImap<T>(work: (c: ImapFlow) => Promise<T>): Promise<T> {
  const client = new ImapFlow({ host: stack.host, port: stack.ports.imap, secure: false, auth: { user: USER, pass: `${USER}-pass` }, logger: false });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.logout();
  }
}

/** Appends to INBOX and answers the new UID. */
async function append(raw: Buffer): Promise<number> {
  return withImap(async (c) => {
    const res = await c.append('INBOX', raw);
    if (!res || !res.uid) throw new Error('APPEND gave no UID');
    return res.uid;
  });
}

async function readAll(stream: ReadableStream<Uint8Array>): Promise<{ bytes: Buffer; chunks: number }> {
  const chunks: Uint8Array[] = [];
  for await (const c of stream as unknown as AsyncIterable<Uint8Array>) chunks.push(c);
  return { bytes: Buffer.concat(chunks), chunks: chunks.length };
}

describe('message structure and parts', () => {
  const attachment = crypto.randomBytes(3 * 1024 * 1024 + 123);
  let uid: number;
  beforeAll(async () => {
    uid = await append(
      buildMessage({
        from: { name: 'Zoë', address: 'zoe@example.com' },
        to: `${USER}@sealpost.test`,
        subject: `Parts ${crypto.randomUUID()}`,
        text: 'Grüße, the text',
        html: '<p>Grüße</p>',
        attachments: [{ filename: 'Größe.bin', contentType: 'application/octet-stream', content: attachment }],
      }),
    );
  });

  it('describes the MIME tree with part numbers, types, parameters, encodings, sizes and dispositions', async () => {
    const s = await structure.fetchMessageStructure(session, 'INBOX', uid);
    expect(s.uid).toBe(uid);
    expect(s.size).toBeGreaterThan(attachment.length);
    expect(s.truncated).toBe(false);
    expect(s.root).toMatchObject({ part: '', type: 'multipart/mixed' });
    const [body, file] = s.root.children!;
    expect(body).toMatchObject({ part: '1', type: 'multipart/alternative' });
    expect(body!.children!.map((c) => [c.part, c.type, c.parameters.charset])).toEqual([
      ['1.1', 'text/plain', 'utf-8'],
      ['1.2', 'text/html', 'utf-8'],
    ]);
    expect(file).toMatchObject({ part: '2', type: 'application/octet-stream', encoding: 'base64', disposition: 'attachment' });
    expect(file!.dispositionParameters.filename).toBe('Größe.bin');
    expect(file!.size).toBeGreaterThan(attachment.length * 1.3);
  });

  it('streams one part untouched (still base64) in chunks, exactly as BODY.PEEK[2]', async () => {
    const expected = await withImap(async (c) => {
      const lock = await c.getMailboxLock('INBOX', { readOnly: true });
      try {
        const m = await c.fetchOne(String(uid), { bodyParts: ['2'] }, { uid: true });
        if (!m || !m.bodyParts?.get('2')) throw new Error('no BODY[2]');
        return m.bodyParts.get('2')!;
      } finally {
        lock.release();
      }
    });
    const { bytes, chunks } = await readAll(await part.streamMessagePart(session, 'INBOX', uid, '2'));
    expect(bytes.equals(expected)).toBe(true);
    expect(chunks).toBeGreaterThan(expected.length / part.PART_CHUNK_BYTES);
    expect(Buffer.from(bytes.toString('latin1'), 'base64').equals(attachment)).toBe(true);
  });

  it('sends only the first maxBytes of a section when asked', async () => {
    const whole = (await readAll(await part.streamMessagePart(session, 'INBOX', uid, '2'))).bytes;
    for (const max of [1000, part.PART_CHUNK_BYTES, part.PART_CHUNK_BYTES + 10]) {
      const { bytes } = await readAll(await part.streamMessagePart(session, 'INBOX', uid, '2', { maxBytes: max }));
      expect(bytes.equals(whole.subarray(0, max)), String(max)).toBe(true);
    }
  });

  it('serves the message HEADER and a part\'s .MIME header', async () => {
    const header = (await readAll(await part.streamMessagePart(session, 'INBOX', uid, 'HEADER'))).bytes.toString('latin1');
    expect(header).toMatch(/^Subject: Parts /m);
    expect(header.endsWith('\r\n\r\n')).toBe(true);
    const mime = (await readAll(await part.streamMessagePart(session, 'INBOX', uid, '2.MIME'))).bytes.toString('latin1');
    expect(mime).toMatch(/Content-Disposition: attachment/i);
  });

  it('refuses a malformed section and answers a missing message with its code', async () => {
    await expect(part.streamMessagePart(session, 'INBOX', uid, '2 BODY[]')).rejects.toMatchObject({ code: 'bad-request' });
    await expect(part.streamMessagePart(session, 'INBOX', 4294967000, '1')).rejects.toMatchObject({ code: 'message-not-found' });
    await expect(structure.fetchMessageStructure(session, 'INBOX', 4294967000)).rejects.toMatchObject({ code: 'message-not-found' });
  });
});

describe('malformed messages in the list', () => {
  it('lists every one with its sender and subject (or a placeholder), and describes its structure within the limits', async () => {
    const tag = crypto.randomUUID();
    const uids: number[] = [];
    for (const kind of MALFORMED_KINDS) uids.push(await append(malformedMessage(kind, tag)));
    // A fresh session: the first one's selected INBOX may not have seen the new messages yet.
    const fresh = sessions.sessionStore().create(USER, `${USER}@sealpost.test`, `${USER}-pass`, '127.0.0.1');
    const page = await messages.listMessages(fresh, 'INBOX', 0, 50).finally(() => sessions.sessionStore().destroy(fresh.id));
    const rows = page.messages.filter((m) => uids.includes(m.uid));
    expect(rows).toHaveLength(MALFORMED_KINDS.length);
    for (const kind of MALFORMED_KINDS) {
      const row = rows.find((r) => r.subject.includes(`Malformed ${kind} ${tag}`));
      expect(row, kind).toBeDefined();
      expect(row!.from?.address, kind).toMatch(/@broken\.example$/);
      expect(Number.isNaN(new Date(row!.date).getTime()), kind).toBe(false);
    }
    expect(rows.find((r) => r.subject.includes('eight-bit-header'))!.subject).toContain('Grüße');
    expect(rows.find((r) => r.subject.includes('truncated-base64'))!.hasAttachment).toBe(true);
    for (const uid of uids) {
      const s = await structure.fetchMessageStructure(session, 'INBOX', uid);
      let depth = 0;
      for (let n = s.root; n.children?.length; n = n.children[0]!) depth++;
      expect(depth).toBeLessThanOrEqual(messages.MAX_STRUCTURE_DEPTH);
    }
  });
});
