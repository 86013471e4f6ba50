import { describe, expect, it } from 'vitest';

import { BENCHMARKS, planRuns } from './run.mjs';

describe('planRuns', () => {
  it('runs every benchmark with its defaults when given nothing', () => {
    expect(planRuns([]).map((r) => [r.name, r.args])).toEqual([
      ['list', []],
      ['smime', []],
    ]);
  });
  it('runs one benchmark with the options after --only', () => {
    expect(planRuns(['--only', 'smime', '--sizes', '10k', '--repeats', '3'])).toEqual([{ name: 'smime', script: BENCHMARKS.smime, args: ['--sizes', '10k', '--repeats', '3'] }]);
    expect(planRuns(['--only=list', '--sessions', '30'])).toEqual([{ name: 'list', script: BENCHMARKS.list, args: ['--sessions', '30'] }]);
  });
  it('refuses options without a benchmark, and unknown benchmarks', () => {
    expect(() => planRuns(['--repeats', '9'])).toThrow(/--only/);
    expect(() => planRuns(['--only', 'mail'])).toThrow(/not "mail"/);
    expect(() => planRuns(['--only'])).toThrow(/not ""/);
  });
});
