import { beforeEach, describe, expect, it, vi } from 'vitest';

import { AppError } from '@/server/errors';
import { MAX_RAW_CHARS } from '@/server/mail/raw-message-request';
import { storeSentCopy } from '@/server/mail/send-message';
import { requireSession } from '@/server/session/sessions';

import { POST } from './route';

vi.mock('@/server/session/sessions', () => ({ requireSession: vi.fn() }));
vi.mock('@/server/mail/send-message', async (original) => ({
  ...(await original<typeof import('@/server/mail/send-message')>()),
  storeSentCopy: vi.fn(),
}));

const RAW = Buffer.from('Subject: sent\r\n\r\nHello.\r\n');
const post = (body: unknown) =>
  POST(new Request('http://localhost/api/sent', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }));

beforeEach(() => {
  vi.mocked(requireSession).mockReset().mockResolvedValue({ id: 's' } as never);
  vi.mocked(storeSentCopy).mockReset().mockResolvedValue({ savedToSent: true, sentFolder: 'Sent', uid: 4 });
});

describe('POST /api/sent', () => {
  it('stores the decoded bytes and answers where', async () => {
    const res = await post({ raw: RAW.toString('base64') });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ savedToSent: true, sentFolder: 'Sent' });
    expect(vi.mocked(storeSentCopy).mock.calls[0]![1].equals(RAW)).toBe(true);
  });

  it('needs a session', async () => {
    vi.mocked(requireSession).mockRejectedValue(new AppError('not-signed-in'));
    expect((await post({ raw: RAW.toString('base64') })).status).toBe(401);
    expect(storeSentCopy).not.toHaveBeenCalled();
  });

  it.each([
    ['no base64', { raw: 'not base64!' }, 400],
    ['an unknown field (it never sends)', { raw: RAW.toString('base64'), to: ['bob@sealpost.test'] }, 400],
    ['one character over the size limit', { raw: 'A'.repeat(MAX_RAW_CHARS + 4) }, 413],
  ])('refuses %s', async (_, body, status) => {
    expect((await post(body)).status).toBe(status);
    expect(storeSentCopy).not.toHaveBeenCalled();
  });
});
