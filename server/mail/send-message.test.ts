import { beforeEach, describe, expect, it, vi } from 'vitest';

import { AppError } from '../errors';
import { SmtpRejectedError, submitMessage } from '../smtp/smtp-client';
import { MAX_MESSAGE_BYTES, sendMessage, storeSentCopy } from './send-message';

// sendMessage and storeSentCopy with SMTP and IMAP replaced: what is submitted, what is stored
// in Sent, what is refused before anything is sent. The real servers are in
// tests/integration/send-separate-copies.test.ts.

vi.mock('../config', () => ({ config: () => ({ smtp: { host: 'smtp.test', port: 587, security: 'starttls' }, tlsCaFile: null }) }));
vi.mock('../session/sessions', () => ({ sessionStore: () => ({ password: () => 'secret' }) }));
vi.mock('../contacts/recent-correspondents', () => ({ forgetRecentCorrespondents: vi.fn() }));
vi.mock('../smtp/smtp-client', async (original) => ({
  ...(await original<typeof import('../smtp/smtp-client')>()),
  submitMessage: vi.fn(),
}));
const appended: Buffer[] = [];
let failAppend = false;
vi.mock('../imap/session-imap', () => ({
  withSessionImap: (_session: unknown, work: (client: unknown) => Promise<unknown>) =>
    work({
      list: async () => [{ path: 'Sent', specialUse: '\\Sent' }],
      append: async (_path: string, raw: Buffer) => {
        if (failAppend) throw new AppError('imap-unavailable', 'down');
        appended.push(raw);
        return { uid: 9 };
      },
    }),
}));

const session = { id: 's', username: 'alice', email: 'alice@sealpost.test', ended: false } as never;
const MAIN = Buffer.from('main\r\n');
const submitted = () => vi.mocked(submitMessage).mock.calls.map(([r]) => [r.message.toString().trim(), r.to]);
const refusal = (who: string) => new SmtpRejectedError('rcpt', { code: 550, lines: ['5.1.1 no such user'] }, [{ recipient: who, reply: { code: 550, lines: ['5.1.1 no such user'] } }]);

beforeEach(() => {
  appended.length = 0;
  failAppend = false;
  vi.mocked(submitMessage).mockReset().mockResolvedValue({ reply: '250 queued' });
});

describe('sendMessage', () => {
  it('submits the bytes to the envelope and stores the same bytes in Sent', async () => {
    const outcome = await sendMessage(session, { raw: MAIN, envelope: { to: ['bob@sealpost.test', 'carol@sealpost.test'] } });
    expect(submitted()).toEqual([['main', ['bob@sealpost.test', 'carol@sealpost.test']]]);
    expect(appended.map(String)).toEqual(['main\r\n']);
    expect(outcome).toEqual({ sent: true, savedToSent: true, sentFolder: 'Sent', uid: 9 });
  });

  it('stores nothing for a separate copy (saveToSent false)', async () => {
    const outcome = await sendMessage(session, { raw: MAIN, envelope: { to: ['dave@sealpost.test'] }, saveToSent: false });
    expect(submitted()).toEqual([['main', ['dave@sealpost.test']]]);
    expect(appended).toEqual([]);
    expect(outcome).toEqual({ sent: true, savedToSent: false, sentFolder: null });
  });

  it('stores nothing when the server refuses the message', async () => {
    vi.mocked(submitMessage).mockRejectedValueOnce(refusal('bob@sealpost.test'));
    await expect(sendMessage(session, { raw: MAIN, envelope: { to: ['bob@sealpost.test'] } })).rejects.toBeInstanceOf(SmtpRejectedError);
    expect(appended).toHaveLength(0);
  });

  it('reports a sent message whose copy could not be stored, without throwing', async () => {
    failAppend = true;
    const outcome = await sendMessage(session, { raw: MAIN, envelope: { to: ['bob@sealpost.test'] } });
    expect(outcome).toEqual({ sent: true, savedToSent: false, sentFolder: null });
  });

  it.each([
    ['no recipients', { envelope: { to: [] } }, 'bad-request'],
    ['101 recipients', { envelope: { to: Array.from({ length: 101 }, (_, i) => `u${i}@sealpost.test`) } }, 'bad-request'],
    ['a recipient listed twice', { envelope: { to: ['bob@sealpost.test', 'Bob@sealpost.test'] } }, 'bad-request'],
    ['a message larger than the bound', { raw: Buffer.alloc(MAX_MESSAGE_BYTES + 1) }, 'message-too-large'],
  ])('refuses %s before sending anything', async (_name, change, code) => {
    const request = { raw: MAIN, envelope: { to: ['bob@sealpost.test'] }, ...change };
    await expect(sendMessage(session, request)).rejects.toMatchObject({ code });
    expect(submitMessage).not.toHaveBeenCalled();
  });

  it('refuses an ended session', async () => {
    await expect(sendMessage({ ...(session as object), ended: true } as never, { raw: MAIN, envelope: { to: ['bob@sealpost.test'] } })).rejects.toMatchObject({ code: 'not-signed-in' });
    expect(submitMessage).not.toHaveBeenCalled();
  });
});

describe('storeSentCopy', () => {
  it('stores the bytes in Sent without submitting anything', async () => {
    expect(await storeSentCopy(session, MAIN)).toEqual({ savedToSent: true, sentFolder: 'Sent', uid: 9 });
    expect(appended.map(String)).toEqual(['main\r\n']);
    expect(submitMessage).not.toHaveBeenCalled();
  });

  it('answers savedToSent false when IMAP fails, and refuses an oversized copy', async () => {
    failAppend = true;
    expect(await storeSentCopy(session, MAIN)).toEqual({ savedToSent: false, sentFolder: null });
    await expect(storeSentCopy(session, Buffer.alloc(MAX_MESSAGE_BYTES + 1))).rejects.toMatchObject({ code: 'message-too-large' });
  });
});
