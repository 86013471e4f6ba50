import { execFileSync } from 'node:child_process';
import fs from 'node:fs';

import { describe, expect, it } from 'vitest';

import { parseStatus } from './proc-memory.mjs';

describe('parseStatus', () => {
  it('reads VmRSS and VmHWM in bytes', () => {
    const text = 'Name:\tnode\nVmPeak:\t  900000 kB\nVmHWM:\t  120000 kB\nVmRSS:\t   80000 kB\nThreads:\t7\n';
    expect(parseStatus(text)).toEqual({ rss: 80000 * 1024, hwm: 120000 * 1024 });
  });
  it('says which line is missing', () => {
    expect(() => parseStatus('VmRSS:\t1 kB\n')).toThrow(/VmHWM/);
  });
});

// In a child process with --expose-gc, so no garbage of the test runner is freed mid-measurement.
const PROBE = `
  const { procMemory } = await import(${JSON.stringify(new URL('./proc-memory.mjs', import.meta.url).href)});
  const memory = procMemory();
  let before = new Uint8Array(96 * 1024 * 1024).fill(1);
  before = null;
  gc();
  const baseline = await memory.reset();
  const quiet = (await memory.peak()) - baseline;
  const held = new Uint8Array(64 * 1024 * 1024).fill(2);
  console.log(JSON.stringify({ quiet, grown: (await memory.peak()) - baseline, held: held[7] }));
`;

describe.runIf(fs.existsSync('/proc/self/clear_refs'))('procMemory', () => {
  it('sees the peak of an allocation made after the reset, and not of one freed before it', () => {
    const out = execFileSync(process.execPath, ['--expose-gc', '--input-type=module', '-e', PROBE], { encoding: 'utf8' });
    const { quiet, grown, held } = JSON.parse(out);
    expect(held).toBe(2);
    expect(quiet).toBeLessThan(16 * 1024 * 1024);
    expect(grown).toBeGreaterThan(56 * 1024 * 1024);
  });
});
