// Scratch directories for the openssl calls the specs make: removed whatever the work does.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export function withTempDir<T>(work: (dir: string) => T): T {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sealpost-e2e-'));
  try {
    return work(dir);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** `content` in a file of a scratch directory, for a tool that reads its input from a path. */
export const withTempFile = <T>(content: string | Buffer, work: (file: string) => T): T =>
  withTempDir((dir) => {
    const file = path.join(dir, 'entity');
    fs.writeFileSync(file, content);
    return work(file);
  });
