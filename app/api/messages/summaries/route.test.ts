import { beforeEach, describe, expect, it, vi } from 'vitest';

import { MAX_PAGE, messageSummaries } from '@/server/imap/messages';
import { requireSession } from '@/server/session/sessions';

import { GET } from './route';

vi.mock('@/server/session/sessions', () => ({ requireSession: vi.fn() }));
vi.mock('@/server/imap/messages', async (original) => ({
  ...(await original<typeof import('@/server/imap/messages')>()),
  messageSummaries: vi.fn(),
}));

const session = { id: 's', username: 'ivan', email: 'ivan@sealpost.test' };
const get = (query: string) => GET(new Request(`http://localhost/api/messages/summaries?${query}`));

beforeEach(() => {
  vi.mocked(requireSession).mockReset().mockResolvedValue(session as never);
  vi.mocked(messageSummaries).mockReset().mockResolvedValue({ folder: 'INBOX', messages: [] });
});

describe('GET /api/messages/summaries', () => {
  it('reads the UIDs of a conversation', async () => {
    const res = await get('folder=INBOX&uids=9,5,2');
    expect(res.status).toBe(200);
    expect(vi.mocked(messageSummaries).mock.calls[0]).toEqual([session, 'INBOX', [9, 5, 2]]);
  });

  it.each([
    ['one UID over MAX_PAGE', `folder=INBOX&uids=${Array.from({ length: MAX_PAGE + 1 }, (_, i) => i + 1).join(',')}`],
    ['a zero UID', 'folder=INBOX&uids=0'],
    ['a UID over 32 bits', 'folder=INBOX&uids=4294967296'],
    ['a sequence range', 'folder=INBOX&uids=1:5'],
    ['no UIDs', 'folder=INBOX&uids='],
  ])('refuses %s with bad-request', async (_, query) => {
    const res = await get(query);
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('bad-request');
    expect(messageSummaries).not.toHaveBeenCalled();
  });
});
