import { beforeEach, describe, expect, it, vi } from 'vitest';

import { AppError } from '@/server/errors';
import { deleteDraft, saveDraft } from '@/server/imap/drafts';
import { MAX_RAW_CHARS } from '@/server/mail/raw-message-request';
import { requireSession } from '@/server/session/sessions';

import { DELETE, POST } from './route';

vi.mock('@/server/session/sessions', () => ({ requireSession: vi.fn() }));
vi.mock('@/server/imap/drafts', () => ({ saveDraft: vi.fn(), deleteDraft: vi.fn() }));

const RAW = Buffer.from('Subject: draft\r\n\r\nHello.\r\n');
const post = (body: unknown) =>
  POST(new Request('http://localhost/api/drafts', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }));

beforeEach(() => {
  vi.mocked(requireSession).mockReset().mockResolvedValue({ id: 's' } as never);
  vi.mocked(saveDraft).mockReset().mockResolvedValue({ folder: 'Drafts', uid: 8 });
  vi.mocked(deleteDraft).mockReset().mockResolvedValue();
});

describe('/api/drafts', () => {
  it('saves the decoded bytes, replacing the given UID', async () => {
    const res = await post({ raw: RAW.toString('base64'), replaceUid: 7 });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ folder: 'Drafts', uid: 8 });
    const [, raw, replace] = vi.mocked(saveDraft).mock.calls[0]!;
    expect(raw.equals(RAW)).toBe(true);
    expect(replace).toBe(7);
  });

  it.each([
    ['a bad UID', { raw: RAW.toString('base64'), replaceUid: -1 }, 400],
    ['no base64', { raw: 'not base64!' }, 400],
    ['one character over the size limit', { raw: 'A'.repeat(MAX_RAW_CHARS + 4) }, 413],
  ])('refuses %s', async (_, body, status) => {
    const res = await post(body);
    expect(res.status).toBe(status);
    expect(saveDraft).not.toHaveBeenCalled();
  });

  it('answers a missing Drafts folder with its code', async () => {
    vi.mocked(saveDraft).mockRejectedValue(new AppError('no-drafts-folder'));
    const res = await post({ raw: RAW.toString('base64') });
    expect(res.status).toBe(404);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('no-drafts-folder');
  });

  it('deletes by UID', async () => {
    const res = await DELETE(new Request('http://localhost/api/drafts?uid=12', { method: 'DELETE' }));
    expect(res.status).toBe(204);
    expect(vi.mocked(deleteDraft).mock.calls[0]![1]).toBe(12);
    expect((await DELETE(new Request('http://localhost/api/drafts?uid=x', { method: 'DELETE' }))).status).toBe(400);
  });
});
