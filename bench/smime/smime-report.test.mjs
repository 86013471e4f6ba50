import { describe, expect, it } from 'vitest';

import { formatTable, resultRows, verdictSummary } from './smime-report.mjs';

const MB = 1024 * 1024;
const sizes = [
  { label: '1m', bytes: MB },
  { label: '25m', bytes: 25 * MB },
];
const openssl = {
  '1m': { sign: { ms: [10, 12, 11], peakBytes: MB } },
  '25m': { sign: { ms: [100, 100, 100], peakBytes: 2 * MB } },
};
const measured = [
  { implementation: 'x', runtime: 'node', size: '1m', operation: 'sign', ms: [50, 50, 50], peakBytes: 10 * MB },
  { implementation: 'x', runtime: 'node', size: '25m', operation: 'sign', ms: [140, 149, 160], peakBytes: 99 * MB },
  { implementation: 'x', runtime: 'chromium', size: '25m', operation: 'sign', ms: [210, 200, 220], peakBytes: 101 * MB },
];
const rows = resultRows({ sizes, operations: ['sign'], openssl, measured });

describe('resultRows', () => {
  it('puts OpenSSL first, then each measurement with its ratio to OpenSSL and its memory per message byte', () => {
    expect(rows.map((r) => [r.size, r.implementation, r.runtime, r.median, r.ratio, r.perMessage])).toEqual([
      ['1m', 'openssl cms', 'process', '11 ms', 'reference', '1.00×'],
      ['1m', 'x', 'node', '50 ms', '4.55×', '10.0×'],
      ['25m', 'openssl cms', 'process', '100 ms', 'reference', '0.080×'],
      ['25m', 'x', 'node', '149 ms', '1.49×', '3.96×'],
      ['25m', 'x', 'chromium', '210 ms', '2.10×', '4.04×'],
    ]);
  });
  it('judges only at 25 MB: 1.5× in Node, 2× in Chromium, 4× the message in memory', () => {
    expect(rows.map((r) => [r.speed, r.memory])).toEqual([
      ['—', '—'],
      ['—', '—'],
      ['—', '—'],
      ['PASS < 1.5×', 'PASS < 4×'],
      ['MISS < 2×', 'MISS < 4×'],
    ]);
    expect(verdictSummary(rows)).toEqual(['x in node: 2 PASS, 0 MISS', 'x in chromium: 0 PASS, 2 MISS']);
  });
});

describe('formatTable', () => {
  it('aligns the columns and leaves a blank line between operations', () => {
    const lines = formatTable(rows).split('\n');
    expect(lines[0]).toMatch(/^size +operation +implementation +in +median/);
    expect(lines).toHaveLength(2 + rows.length + 1);
    expect(lines[4]).toBe('');
    expect(new Set(lines.filter(Boolean).map((l) => l.indexOf(l.trim().split(/ {2,}/)[1])))).toHaveProperty('size', 1);
  });
});
