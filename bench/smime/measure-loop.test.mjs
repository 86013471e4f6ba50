import { describe, expect, it } from 'vitest';

import { measureOperation } from './measure-loop.mjs';

/** Fakes that log the order of calls; memory "grows" by 7 during the checked run. */
function fakes({ problem = null } = {}) {
  const calls = [];
  let memory = 100;
  let peak = 100;
  return {
    calls,
    o: {
      repeats: 3,
      warmUp: async () => calls.push('warm-up'),
      gc: async () => calls.push('gc'),
      run: async (check) => {
        calls.push(check ? 'checked' : 'timed');
        if (check) peak = memory + 7;
        return { ms: check ? 50 : 10 + calls.length, problem: check ? problem : null };
      },
      memory: {
        reset: async () => {
          calls.push('reset');
          peak = memory;
          return memory;
        },
        peak: async () => peak,
      },
    },
  };
}

describe('measureOperation', () => {
  it('warms up, measures memory around the checked run only, then times the repeats after a GC each', async () => {
    const { calls, o } = fakes();
    const r = await measureOperation(o);
    expect(calls).toEqual(['warm-up', 'gc', 'reset', 'checked', 'gc', 'timed', 'gc', 'timed', 'gc', 'timed']);
    expect(r).toEqual({ firstMs: 50, ms: [16, 18, 20], baselineBytes: 100, peakBytes: 7 });
  });
  it('stops on a wrong output before timing anything', async () => {
    const { calls, o } = fakes({ problem: 'decrypt gave other bytes' });
    await expect(measureOperation(o)).rejects.toThrow('decrypt gave other bytes');
    expect(calls).not.toContain('timed');
  });
});
