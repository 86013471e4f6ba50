import fs from 'node:fs';
import path from 'node:path';

import { describe, expect, it } from 'vitest';

// STYLE.md: every module in server/ imports 'server-only', so importing one from browser code
// fails the build instead of shipping server code (and secrets) to the browser.
function modules(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return modules(p);
    return /\.tsx?$/.test(e.name) && !/\.test\.tsx?$/.test(e.name) ? [p] : [];
  });
}

describe('server/', () => {
  it.each(modules(__dirname).map((p) => [path.relative(__dirname, p), p]))('%s imports server-only first', (_name, file) => {
    const firstImport = fs.readFileSync(file, 'utf8').match(/^import\s[^;]*;/m)?.[0];
    expect(firstImport).toBe("import 'server-only';");
  });
});
