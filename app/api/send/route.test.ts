import { beforeEach, describe, expect, it, vi } from 'vitest';

import { AppError } from '@/server/errors';
import { sendMessage } from '@/server/mail/send-message';
import { requireSession } from '@/server/session/sessions';
import { SmtpRejectedError } from '@/server/smtp/smtp-client';

import { POST } from './route';

vi.mock('@/server/session/sessions', () => ({ requireSession: vi.fn() }));
vi.mock('@/server/mail/send-message', async (original) => ({
  ...(await original<typeof import('@/server/mail/send-message')>()),
  sendMessage: vi.fn(),
}));

const session = { id: 's', username: 'alice', email: 'alice@sealpost.test' };
const RAW = Buffer.from('Subject: hi\r\n\r\nHello.\r\n');

function post(body: unknown, headers: Record<string, string> = {}) {
  return POST(
    new Request('http://localhost/api/send', {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    }),
  );
}

async function answer(res: Response) {
  return { status: res.status, body: (await res.json()) as { error?: { code: string; message: string; rejectedRecipients?: string[] } } };
}

beforeEach(() => {
  vi.mocked(requireSession).mockReset().mockResolvedValue(session as never);
  vi.mocked(sendMessage).mockReset().mockResolvedValue({ sent: true, savedToSent: true, sentFolder: 'Sent', uid: 7 });
});

describe('POST /api/send', () => {
  it('sends the decoded bytes to the given recipients and answers with the outcome', async () => {
    const res = await post({ raw: RAW.toString('base64'), to: ['bob@sealpost.test', 'carol@sealpost.test'] });
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(await res.json()).toEqual({ sent: true, savedToSent: true, sentFolder: 'Sent' });
    const [s, request] = vi.mocked(sendMessage).mock.calls[0]!;
    expect(s).toBe(session);
    expect(request.raw.equals(RAW)).toBe(true);
    expect(request.envelope).toEqual({ to: ['bob@sealpost.test', 'carol@sealpost.test'] });
  });

  it('needs a session', async () => {
    vi.mocked(requireSession).mockRejectedValue(new AppError('not-signed-in'));
    expect((await answer(await post({ raw: RAW.toString('base64'), to: ['bob@sealpost.test'] }))).status).toBe(401);
    expect(sendMessage).not.toHaveBeenCalled();
  });

  it.each([
    ['no recipients', { raw: RAW.toString('base64'), to: [] }],
    ['101 recipients', { raw: RAW.toString('base64'), to: Array.from({ length: 101 }, (_, i) => `u${i}@sealpost.test`) }],
    ['a recipient that is not an address', { raw: RAW.toString('base64'), to: ['Bob <bob@sealpost.test>'] }],
    ['a recipient with a line break', { raw: RAW.toString('base64'), to: ['bob@sealpost.test\r\nRSET'] }],
    ['raw that is not base64', { raw: 'U3ViamVjdDo*aGk=', to: ['bob@sealpost.test'] }],
    ['raw in base64url', { raw: Buffer.from('??>>').toString('base64url'), to: ['bob@sealpost.test'] }],
    ['no raw', { to: ['bob@sealpost.test'] }],
  ])('refuses %s with 400', async (_name, body) => {
    const { status, body: json } = await answer(await post(body));
    expect(status).toBe(400);
    expect(json.error?.code).toBe('bad-request');
    expect(sendMessage).not.toHaveBeenCalled();
  });

  it('reads JSON only', async () => {
    const res = await post({ raw: RAW.toString('base64'), to: ['bob@sealpost.test'] }, { 'content-type': 'text/plain' });
    expect(res.status).toBe(400);
  });

  it('answers 413 for a body over the limit, declared or streamed', async () => {
    const declared = await answer(await post('{}', { 'content-length': String(80 * 1024 * 1024) }));
    expect(declared.status).toBe(413);
    expect(declared.body.error?.code).toBe('message-too-large');

    // A chunked upload without Content-Length is cut off once past the limit.
    const chunk = new Uint8Array(1024 * 1024).fill(0x41);
    let sent = 0;
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent++ < 100) controller.enqueue(chunk);
        else controller.close();
      },
    });
    const res = await POST(
      new Request('http://localhost/api/send', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: stream,
        duplex: 'half',
      } as RequestInit),
    );
    expect(res.status).toBe(413);
    expect(sent).toBeLessThan(100);
    expect(sendMessage).not.toHaveBeenCalled();
  });

  it("answers a refusal with 422, the server's reply and the refused recipients", async () => {
    const reply = { code: 550, lines: ['5.7.1 Relaying to <x@example.com> denied'] };
    vi.mocked(sendMessage).mockRejectedValue(new SmtpRejectedError('rcpt', reply, [{ recipient: 'x@example.com', reply }]));
    const { status, body } = await answer(await post({ raw: RAW.toString('base64'), to: ['x@example.com'] }));
    expect(status).toBe(422);
    expect(body.error).toEqual({
      code: 'smtp-rejected',
      message: 'The outgoing mail server refused the recipient x@example.com (550 5.7.1 Relaying to <x@example.com> denied). The message was not sent.',
      rejectedRecipients: ['x@example.com'],
    });
  });

  it.each([
    ['smtp-unavailable', 503],
    ['smtp-auth-failed', 502],
    ['message-bad-line-ends', 400],
    ['message-too-large', 413],
  ] as const)('answers %s with %i and its fixed message', async (code, status) => {
    vi.mocked(sendMessage).mockRejectedValue(new AppError(code, 'internal detail'));
    const res = await answer(await post({ raw: RAW.toString('base64'), to: ['bob@sealpost.test'] }));
    expect(res.status).toBe(status);
    expect(res.body.error?.code).toBe(code);
    expect(res.body.error?.message).not.toContain('internal detail');
  });

  it('reports a message that went out but was not saved to Sent', async () => {
    vi.mocked(sendMessage).mockResolvedValue({ sent: true, savedToSent: false, sentFolder: null });
    const res = await post({ raw: RAW.toString('base64'), to: ['bob@sealpost.test'] });
    expect(await res.json()).toEqual({ sent: true, savedToSent: false, sentFolder: null });
  });

  it('passes saveToSent false for a separate copy, and stores otherwise', async () => {
    await post({ raw: RAW.toString('base64'), to: ['dave@sealpost.test'], saveToSent: false });
    await post({ raw: RAW.toString('base64'), to: ['bob@sealpost.test'] });
    expect(vi.mocked(sendMessage).mock.calls.map(([, r]) => r.saveToSent)).toEqual([false, true]);
  });

  it.each([
    ['the old one-request form with separate copies', { raw: RAW.toString('base64'), to: ['bob@sealpost.test'], separate: [] }],
    ['saveToSent that is not a boolean', { raw: RAW.toString('base64'), to: ['bob@sealpost.test'], saveToSent: 'no' }],
  ])('refuses %s with 400', async (_name, body) => {
    const { status, body: answered } = await answer(await post(body));
    expect(status).toBe(400);
    expect(answered.error?.code).toBe('bad-request');
    expect(sendMessage).not.toHaveBeenCalled();
  });
});
