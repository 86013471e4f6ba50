import { beforeEach, describe, expect, it, vi } from 'vitest';

import { AppError } from '@/server/errors';
import { directoryCertificates } from '@/server/ldap/directory-certificates';
import { requireSession } from '@/server/session/sessions';

import { POST } from './route';

vi.mock('@/server/session/sessions', () => ({ requireSession: vi.fn() }));
vi.mock('@/server/ldap/directory-certificates', async (original) => ({
  ...(await original<typeof import('@/server/ldap/directory-certificates')>()),
  directoryCertificates: vi.fn(),
}));

const session = { id: 's', username: 'alice', email: 'alice@sealpost.test' };

function post(body: unknown, headers: Record<string, string> = { 'content-type': 'application/json' }) {
  return POST(new Request('http://localhost/api/certificates/directory', { method: 'POST', headers, body: JSON.stringify(body) }));
}

beforeEach(() => {
  vi.mocked(requireSession).mockReset().mockResolvedValue(session as never);
  vi.mocked(directoryCertificates).mockReset().mockImplementation(async (emails) =>
    emails.map((email) => ({ email, certificates: [Buffer.from([0x30, 1])], smimeBundles: [] })),
  );
});

describe('POST /api/certificates/directory', () => {
  it('answers the values as base64, one result per address', async () => {
    const res = await post({ emails: ['bob@sealpost.test'] });
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(await res.json()).toEqual({ results: [{ email: 'bob@sealpost.test', certificates: ['MAE='], smimeBundles: [] }] });
    expect(directoryCertificates).toHaveBeenCalledWith(['bob@sealpost.test']);
  });

  it('needs a session', async () => {
    vi.mocked(requireSession).mockRejectedValue(new AppError('not-signed-in'));
    expect((await post({ emails: ['bob@sealpost.test'] })).status).toBe(401);
    expect(directoryCertificates).not.toHaveBeenCalled();
  });

  it.each([
    ['no addresses', { emails: [] }],
    ['51 addresses', { emails: Array.from({ length: 51 }, (_, i) => `u${i}@sealpost.test`) }],
    ['a display name', { emails: ['Bob <bob@sealpost.test>'] }],
    ['a filter injection', { emails: ['*)(mail=*'] }],
    ['no emails field', {}],
  ])('refuses %s with 400', async (_, body) => {
    expect((await post(body)).status).toBe(400);
    expect(directoryCertificates).not.toHaveBeenCalled();
  });

  it('refuses a body that is not declared JSON', async () => {
    expect((await post({ emails: ['bob@sealpost.test'] }, { 'content-type': 'text/plain' })).status).toBe(400);
  });

  it('answers 503 when the directory is down', async () => {
    vi.mocked(directoryCertificates).mockRejectedValue(new AppError('directory-unavailable'));
    const res = await post({ emails: ['bob@sealpost.test'] });
    expect(res.status).toBe(503);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('directory-unavailable');
  });
});
