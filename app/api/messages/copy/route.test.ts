import { beforeEach, describe, expect, it, vi } from 'vitest';

import { MAX_COPY, copyMessages } from '@/server/imap/copy-messages';
import { requireSession } from '@/server/session/sessions';

import { POST } from './route';

vi.mock('@/server/session/sessions', () => ({ requireSession: vi.fn() }));
vi.mock('@/server/imap/copy-messages', async (original) => ({
  ...(await original<typeof import('@/server/imap/copy-messages')>()),
  copyMessages: vi.fn(),
}));

const post = (body: unknown) =>
  POST(new Request('http://localhost/api/messages/copy', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }));

beforeEach(() => {
  vi.mocked(requireSession).mockReset().mockResolvedValue({ id: 's' } as never);
  vi.mocked(copyMessages).mockReset().mockResolvedValue({ destination: 'P', uidMap: [[1, 5]] });
});

describe('POST /api/messages/copy', () => {
  it('copies up to MAX_COPY messages and refuses one more', async () => {
    const uids = Array.from({ length: MAX_COPY }, (_, i) => i + 1);
    const ok = await post({ folder: 'INBOX', uids, to: { path: 'P' } });
    expect(ok.status).toBe(200);
    expect(await ok.json()).toEqual({ destination: 'P', uidMap: [[1, 5]] });
    expect(vi.mocked(copyMessages).mock.calls[0]!.slice(1)).toEqual(['INBOX', uids, 'P']);
    const over = await post({ folder: 'INBOX', uids: [...uids, MAX_COPY + 1], to: { path: 'P' } });
    expect(over.status).toBe(400);
    expect(copyMessages).toHaveBeenCalledTimes(1);
  });

  it('refuses a special-use target (copies go to a path) and UID 0', async () => {
    expect((await post({ folder: 'INBOX', uids: [1], to: { specialUse: 'trash' } })).status).toBe(400);
    expect((await post({ folder: 'INBOX', uids: [0], to: { path: 'P' } })).status).toBe(400);
  });
});
