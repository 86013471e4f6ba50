import { afterEach, describe, expect, it, vi } from 'vitest';

import { BACKGROUND_HEADER } from './background';
import { api } from './client';

afterEach(() => vi.unstubAllGlobals());

describe('background reads', () => {
  it('carry the background mark only when asked', async () => {
    const seen: Headers[] = [];
    vi.stubGlobal('fetch', async (_url: string, init: RequestInit) => {
      seen.push(new Headers(init.headers));
      return new Response(JSON.stringify({ folders: [] }), { status: 200, headers: { 'Content-Type': 'application/json' } });
    });
    await api.folders();
    await api.folders({ background: true });
    await api.messages('INBOX', 0, 10, { background: true });
    expect(seen.map((h) => h.get(BACKGROUND_HEADER))).toEqual([null, '1', '1']);
    expect(seen.every((h) => h.get('Accept') === 'application/json')).toBe(true);
  });
});
