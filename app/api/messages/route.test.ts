import { beforeEach, describe, expect, it, vi } from 'vitest';

import { MAX_SEARCH_TERM_CHARS } from '@/lib/mail/list-query';
import { listMessages } from '@/server/imap/messages';
import { requireSession } from '@/server/session/sessions';

import { GET } from './route';

vi.mock('@/server/session/sessions', () => ({ requireSession: vi.fn() }));
vi.mock('@/server/imap/messages', async (original) => ({
  ...(await original<typeof import('@/server/imap/messages')>()),
  listMessages: vi.fn(),
}));

const session = { id: 's', username: 'ivan', email: 'ivan@sealpost.test' };
const get = (query: string) => GET(new Request(`http://localhost/api/messages?${query}`));

beforeEach(() => {
  vi.mocked(requireSession).mockReset().mockResolvedValue(session as never);
  vi.mocked(listMessages).mockReset().mockResolvedValue({ folder: 'INBOX', total: 0, offset: 0, messages: [], version: 1, sortFallback: false });
});

describe('GET /api/messages', () => {
  it('passes position, order, search and refresh to the list', async () => {
    const res = await get(`folder=INBOX&offset=5000&limit=50&sort=from&order=asc&refresh=1&s.text=Gr%C3%B6%C3%9Fe&s.since=2024-01-02&s.unread=1`);
    expect(res.status).toBe(200);
    expect(vi.mocked(listMessages).mock.calls[0]).toEqual([
      session,
      'INBOX',
      5000,
      50,
      { sort: 'from', descending: false, search: expect.objectContaining({ text: 'Größe', since: '2024-01-02', unread: true, flagged: false }) },
      { refresh: true },
    ]);
  });

  it('asks for conversations with threads=1', async () => {
    await get('folder=INBOX&threads=1');
    expect(vi.mocked(listMessages).mock.calls[0]?.[4]).toMatchObject({ sort: 'date', descending: true, threads: true });
  });

  it('defaults to date, newest first, no search', async () => {
    await get('folder=INBOX');
    expect(vi.mocked(listMessages).mock.calls[0]?.slice(2)).toEqual([0, 100, expect.objectContaining({ sort: 'date', descending: true }), { refresh: false }]);
  });

  it.each([
    ['a search term over the limit', `folder=INBOX&s.text=${'x'.repeat(MAX_SEARCH_TERM_CHARS + 1)}`],
    ['an unknown sort key', 'folder=INBOX&sort=color'],
    ['an unknown parameter', 'folder=INBOX&s.bcc=x'],
    ['a malformed date', 'folder=INBOX&s.until=tomorrow'],
    ['a window over MAX_PAGE', 'folder=INBOX&limit=201'],
    ['threads other than 1', 'folder=INBOX&threads=yes'],
  ])('refuses %s with bad-request', async (_, query) => {
    const res = await get(query);
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('bad-request');
    expect(listMessages).not.toHaveBeenCalled();
  });
});
