import { describe, expect, it } from 'vitest';

import { collectCorrespondents } from './contact-ranking';
import { MAX_RECENT_CORRESPONDENTS } from './recent-correspondents';

describe('recent correspondents bound', () => {
  it(`keeps ${MAX_RECENT_CORRESPONDENTS} per session when one more was seen, dropping the oldest`, () => {
    const sightings = Array.from({ length: MAX_RECENT_CORRESPONDENTS + 1 }, (_, i) => ({
      date: i,
      addresses: [{ name: `Person ${i}`, address: `p${i}@x.test` }],
    }));
    const kept = collectCorrespondents(sightings, 'me@x.test', MAX_RECENT_CORRESPONDENTS);
    expect(kept).toHaveLength(MAX_RECENT_CORRESPONDENTS);
    expect(kept.map((c) => c.address)).not.toContain('p0@x.test');
    expect(kept[0]!.address).toBe(`p${MAX_RECENT_CORRESPONDENTS}@x.test`);
  });
});
