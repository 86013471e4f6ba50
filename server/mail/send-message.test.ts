import { beforeEach, describe, expect, it, vi } from 'vitest';

import { AppError } from '../errors';
import { SmtpRejectedError, submitMessage } from '../smtp/smtp-client';
import { MAX_MESSAGE_BYTES, sendMessage } from './send-message';

// sendMessage's rules for separate copies, with SMTP and IMAP replaced: what is submitted to
// whom, in which order, what is stored in Sent, and how a refused copy is reported. The real
// servers are in tests/integration/send-separate-copies.test.ts.

vi.mock('../config', () => ({ config: () => ({ smtp: { host: 'smtp.test', port: 587, security: 'starttls' }, tlsCaFile: null }) }));
vi.mock('../session/sessions', () => ({ sessionStore: () => ({ password: () => 'secret' }) }));
vi.mock('../contacts/recent-correspondents', () => ({ forgetRecentCorrespondents: vi.fn() }));
vi.mock('../smtp/smtp-client', async (original) => ({
  ...(await original<typeof import('../smtp/smtp-client')>()),
  submitMessage: vi.fn(),
}));
const appended: Buffer[] = [];
vi.mock('../imap/session-imap', () => ({
  withSessionImap: (_session: unknown, work: (client: unknown) => Promise<unknown>) =>
    work({
      list: async () => [{ path: 'Sent', specialUse: '\\Sent' }],
      append: async (_path: string, raw: Buffer) => {
        appended.push(raw);
        return { uid: 9 };
      },
    }),
}));

const session = { id: 's', username: 'alice', email: 'alice@sealpost.test', ended: false } as never;
const MAIN = Buffer.from('main\r\n');
const COPY_DAVE = Buffer.from('dave\r\n');
const COPY_ERIN = Buffer.from('erin\r\n');
const submitted = () => vi.mocked(submitMessage).mock.calls.map(([r]) => [r.message.toString().trim(), r.to]);
const refusal = (who: string) => new SmtpRejectedError('rcpt', { code: 550, lines: ['5.1.1 no such user'] }, [{ recipient: who, reply: { code: 550, lines: ['5.1.1 no such user'] } }]);

beforeEach(() => {
  appended.length = 0;
  vi.mocked(submitMessage).mockReset().mockResolvedValue({ reply: '250 queued' });
});

describe('sendMessage with separate copies', () => {
  it('submits the main message, then each copy to its own recipients, and stores only the main one', async () => {
    const outcome = await sendMessage(session, {
      raw: MAIN,
      envelope: { to: ['bob@sealpost.test', 'carol@sealpost.test'] },
      separate: [
        { raw: COPY_DAVE, to: ['dave@sealpost.test'] },
        { raw: COPY_ERIN, to: ['erin@sealpost.test'] },
      ],
    });
    expect(submitted()).toEqual([
      ['main', ['bob@sealpost.test', 'carol@sealpost.test']],
      ['dave', ['dave@sealpost.test']],
      ['erin', ['erin@sealpost.test']],
    ]);
    expect(appended.map(String)).toEqual(['main\r\n']);
    expect(outcome).toEqual({
      sent: true,
      savedToSent: true,
      sentFolder: 'Sent',
      uid: 9,
      separate: [
        { to: ['dave@sealpost.test'], sent: true },
        { to: ['erin@sealpost.test'], sent: true },
      ],
    });
  });

  it('reports a refused copy per recipient once the main message went out, and still stores the main one', async () => {
    vi.mocked(submitMessage).mockImplementation(async (r) => {
      if (r.to.includes('erin@sealpost.test')) throw refusal('erin@sealpost.test');
      if (r.to.includes('frank@sealpost.test')) throw new AppError('smtp-unavailable', 'ECONNRESET 10.0.0.1');
      return { reply: '250 queued' };
    });
    const outcome = await sendMessage(session, {
      raw: MAIN,
      envelope: { to: ['bob@sealpost.test'] },
      separate: [
        { raw: COPY_ERIN, to: ['erin@sealpost.test'] },
        { raw: COPY_DAVE, to: ['dave@sealpost.test'] },
        { raw: COPY_DAVE, to: ['frank@sealpost.test'] },
      ],
    });
    expect(outcome.savedToSent).toBe(true);
    expect(outcome.separate).toEqual([
      { to: ['erin@sealpost.test'], sent: false, error: { code: 'smtp-rejected', message: expect.stringContaining('erin@sealpost.test (550 5.1.1 no such user)'), rejectedRecipients: ['erin@sealpost.test'] } },
      { to: ['dave@sealpost.test'], sent: true },
      { to: ['frank@sealpost.test'], sent: false, error: { code: 'smtp-unavailable', message: 'The outgoing mail server cannot be reached. Try again later.' } },
    ]);
    // The internal detail stays in the log.
    expect(JSON.stringify(outcome)).not.toContain('10.0.0.1');
  });

  it('sends no copy when the main message is refused', async () => {
    vi.mocked(submitMessage).mockRejectedValueOnce(refusal('bob@sealpost.test'));
    await expect(sendMessage(session, { raw: MAIN, envelope: { to: ['bob@sealpost.test'] }, separate: [{ raw: COPY_DAVE, to: ['dave@sealpost.test'] }] })).rejects.toBeInstanceOf(SmtpRejectedError);
    expect(submitted()).toHaveLength(1);
    expect(appended).toHaveLength(0);
  });

  it('stores a main message without recipients in Sent once a copy went out, and throws when none did', async () => {
    const outcome = await sendMessage(session, { raw: MAIN, envelope: { to: [] }, separate: [{ raw: COPY_DAVE, to: ['dave@sealpost.test'] }] });
    expect(submitted()).toEqual([['dave', ['dave@sealpost.test']]]);
    expect(appended.map(String)).toEqual(['main\r\n']);
    expect(outcome.separate).toEqual([{ to: ['dave@sealpost.test'], sent: true }]);

    vi.mocked(submitMessage).mockReset().mockRejectedValue(new AppError('smtp-unavailable'));
    appended.length = 0;
    await expect(
      sendMessage(session, { raw: MAIN, envelope: { to: [] }, separate: [{ raw: COPY_DAVE, to: ['dave@sealpost.test'] }, { raw: COPY_ERIN, to: ['erin@sealpost.test'] }] }),
    ).rejects.toMatchObject({ code: 'smtp-unavailable' });
    expect(appended).toHaveLength(0);
  });

  it.each([
    ['no recipients at all', { envelope: { to: [] } }, 'bad-request'],
    ['a copy without recipients', { separate: [{ raw: COPY_DAVE, to: [] }] }, 'bad-request'],
    ['a recipient in two copies', { separate: [{ raw: COPY_DAVE, to: ['Bob@sealpost.test'] }] }, 'bad-request'],
    ['101 recipients across the copies', { separate: Array.from({ length: 100 }, (_, i) => ({ raw: COPY_DAVE, to: [`u${i}@sealpost.test`] })) }, 'bad-request'],
    ['101 copies', { envelope: { to: [] }, separate: Array.from({ length: 101 }, (_, i) => ({ raw: COPY_DAVE, to: [`u${i}@sealpost.test`] })) }, 'bad-request'],
    ['copies larger than one message together', { separate: [{ raw: Buffer.alloc(MAX_MESSAGE_BYTES / 2 + 1), to: ['dave@sealpost.test'] }, { raw: Buffer.alloc(MAX_MESSAGE_BYTES / 2), to: ['erin@sealpost.test'] }] }, 'message-too-large'],
  ])('refuses %s before sending anything', async (_name, change, code) => {
    const request = { raw: MAIN, envelope: { to: ['bob@sealpost.test'] }, ...change };
    await expect(sendMessage(session, request)).rejects.toMatchObject({ code });
    expect(submitMessage).not.toHaveBeenCalled();
  });
});
