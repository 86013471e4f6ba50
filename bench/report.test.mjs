import { describe, expect, it } from 'vitest';

import { formatTable, resultRows, runStamp } from './report.mjs';

const s = (median, min = median, max = median) => ({ n: median == null ? 0 : 3, median, min, max });
const base = {
  imap: { open: s(100), jump: s(4) },
  doveadm: { first: s(130), middle: s(140) },
  memory: { perSession: { heapPlusExternal: 2 * 1048576, rss: 3 * 1048576, dovecotImapPss: 1048576 } },
};

describe('resultRows', () => {
  it('passes figures under the targets and gives ratios against the reference', () => {
    const rows = resultRows({ ...base, browser: { firstRows: s(250, 200, 300), jump: s(120), jumpMissed: 0, jumpReached: 3 } });
    expect(rows.map((r) => r.result)).toEqual(['PASS', 'PASS', 'PASS']);
    expect(rows[0].ratio).toBe('2.5×');
    expect(rows[0].range).toBe('200 ms–300 ms');
    expect(rows[2].ratio).toBe('2.0×');
  });

  it('reports a jump that did not reach the middle as a miss, not as a time', () => {
    const rows = resultRows({ ...base, browser: { firstRows: s(250), jump: s(null), jumpMissed: 5, jumpReached: 0 } });
    expect(rows[1].median).toBe('not reached 5/5');
    expect(rows[1].ratio).toBe('—');
    expect(rows[1].result).toBe('MISS');
  });

  it('misses a figure at or over the target', () => {
    const rows = resultRows({ ...base, browser: { firstRows: s(500), jump: s(10), jumpMissed: 1, jumpReached: 4 }, memory: { perSession: { heapPlusExternal: 11 * 1048576, rss: null, dovecotImapPss: null } } });
    expect(rows.map((r) => r.result)).toEqual(['MISS', 'MISS', 'MISS']);
  });
});

describe('formatTable', () => {
  it('lines up the columns under a header', () => {
    const rows = resultRows({ ...base, browser: { firstRows: s(250), jump: s(120), jumpMissed: 0, jumpReached: 3 } });
    const lines = formatTable(rows).split('\n');
    expect(lines).toHaveLength(5);
    expect(lines[0]).toMatch(/^metric\s+median\s+min–max\s+target/);
    expect(lines[2].indexOf('250 ms')).toBe(lines[0].indexOf('median'));
  });
});

it('stamps runs with a file-name-safe UTC time', () => {
  expect(runStamp(new Date('2026-11-23T10:41:05.123Z'))).toBe('2026-11-23T10-41-05Z');
});
