import { beforeEach, describe, expect, it, vi } from 'vitest';

import { AppError } from '@/server/errors';
import { createFolder } from '@/server/imap/create-folder';
import { deleteFolder } from '@/server/imap/delete-folder';
import { renameFolder } from '@/server/imap/rename-folder';
import { requireSession } from '@/server/session/sessions';

import { DELETE, PATCH, POST } from './route';

vi.mock('@/server/session/sessions', () => ({ requireSession: vi.fn() }));
vi.mock('@/server/imap/create-folder', () => ({ createFolder: vi.fn() }));
vi.mock('@/server/imap/rename-folder', () => ({ renameFolder: vi.fn() }));
vi.mock('@/server/imap/delete-folder', () => ({ deleteFolder: vi.fn() }));
vi.mock('@/server/imap/folders', () => ({ listFolders: vi.fn() }));

const session = { id: 's', username: 'frank', email: 'frank@sealpost.test' };
const call = (handler: (r: Request) => Promise<Response>, method: string, body: unknown, type = 'application/json') =>
  handler(new Request('http://localhost/api/folders', { method, headers: { 'content-type': type }, body: JSON.stringify(body) }));

beforeEach(() => {
  vi.mocked(requireSession).mockReset().mockResolvedValue(session as never);
  vi.mocked(createFolder).mockReset().mockResolvedValue({ path: 'Projects/Öl' });
  vi.mocked(renameFolder).mockReset().mockResolvedValue({ path: 'Work' });
  vi.mocked(deleteFolder).mockReset().mockResolvedValue({ deleted: ['A'] });
});

describe('/api/folders', () => {
  it('creates (201), renames and deletes with the validated body', async () => {
    const created = await call(POST, 'POST', { parent: 'Projects', name: 'Öl' });
    expect(created.status).toBe(201);
    expect(await created.json()).toEqual({ path: 'Projects/Öl' });
    expect(vi.mocked(createFolder).mock.calls[0]!.slice(1)).toEqual(['Projects', 'Öl']);
    expect(await (await call(PATCH, 'PATCH', { path: 'Projects', name: 'Work' })).json()).toEqual({ path: 'Work' });
    expect(await (await call(DELETE, 'DELETE', { path: 'A' })).json()).toEqual({ deleted: ['A'] });
    // Without a confirmed count, the folder must be empty.
    expect(vi.mocked(deleteFolder).mock.calls[0]!.slice(1)).toEqual(['A', 0]);
  });

  it.each([
    ['unknown fields', POST, 'POST', { parent: null, name: 'x', extra: 1 }],
    ['a path with a control character', PATCH, 'PATCH', { path: 'a\nb', name: 'x' }],
    ['a negative confirmed count', DELETE, 'DELETE', { path: 'A', messages: -1 }],
    ['a name over 1000 characters', POST, 'POST', { parent: null, name: 'x'.repeat(1001) }],
  ])('refuses %s as bad-request', async (_what, handler, method, body) => {
    const res = await call(handler, method, body);
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('bad-request');
  });

  it('reads only JSON bodies (no cross-site form posts)', async () => {
    expect((await call(POST, 'POST', { parent: null, name: 'x' }, 'text/plain')).status).toBe(400);
    expect(createFolder).not.toHaveBeenCalled();
  });

  it('answers the coded errors with their status', async () => {
    vi.mocked(renameFolder).mockRejectedValue(new AppError('folder-protected'));
    const res = await call(PATCH, 'PATCH', { path: 'INBOX', name: 'x' });
    expect(res.status).toBe(403);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('folder-protected');
  });
});
