import { describe, expect, it } from 'vitest';

import { createComposeStore } from './compose-store';

describe('compose store', () => {
  it('opens a composer for a request and closes it with an outcome', () => {
    const store = createComposeStore();
    store.getState().openCompose({ mode: 'draft', source: { folder: 'Drafts', uid: 4 } });
    expect(store.getState().request).toEqual({ mode: 'draft', source: { folder: 'Drafts', uid: 4 } });
    store.getState().close('Draft saved.');
    expect(store.getState()).toMatchObject({ request: null, outcome: 'Draft saved.' });
    store.getState().openCompose({ mode: 'new' });
    expect(store.getState().outcome).toBeNull();
  });

  it('keeps a trimmed display name for From, empty by default', () => {
    const store = createComposeStore();
    expect(store.getState().displayName).toBe('');
    store.getState().setDisplayName('  Judy Test ');
    expect(store.getState().displayName).toBe('Judy Test');
  });
});
