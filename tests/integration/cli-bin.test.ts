import { spawnSync } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';

import { describe, expect, it } from 'vitest';

// bin/smime.mjs as a user starts it: from any folder, through tsx, with exit statuses intact.
const bin = path.resolve('bin/smime.mjs');
const smime = (...args: string[]) => spawnSync(process.execPath, [bin, ...args], { cwd: os.tmpdir(), encoding: 'utf8', timeout: 30_000 });

describe('bin/smime.mjs', () => {
  it('prints usage from another working directory', () => {
    const result = smime('--help');
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/^Usage: smime <command>/);
  });

  it('exits 1 on a missing file and 2 on a bad command line, with one line on stderr', () => {
    const missing = smime('inspect', 'no-such-message.eml');
    expect(missing.status).toBe(1);
    expect(missing.stderr).toBe('smime: cannot read no-such-message.eml: no such file\n');
    const unknown = smime('frobnicate');
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toBe('smime: unknown command "frobnicate"\nRun "smime --help" for usage.\n');
  });
});
