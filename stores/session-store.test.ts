import { describe, expect, it } from 'vitest';

import { createSessionStore } from './session-store';

describe('session store', () => {
  it('signing out ends the session by the user, even if the server call fails', async () => {
    const store = createSessionStore('a@x.test', () => Promise.reject(new Error('down')));
    await store.getState().signOut();
    expect(store.getState()).toMatchObject({ status: 'ended', endedBy: 'user' });
    store.getState().sessionEnded(); // a late 401 does not turn it into an expiry
    expect(store.getState().endedBy).toBe('user');
  });

  it('a 401 from the server ends the session by the server', () => {
    const store = createSessionStore('a@x.test', async () => {});
    store.getState().sessionEnded();
    expect(store.getState()).toMatchObject({ status: 'ended', endedBy: 'server' });
  });
});
