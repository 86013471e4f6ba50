// The Node figures: each operation of each implementation at each size in a process of its own
// (node-runner.mts under tsx, with --expose-gc), so its peak RSS is its own.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const REPO_ROOT = path.resolve(HERE, '..', '..');
const RUNNER = path.join(HERE, 'node-runner.mts');

/** Starts runners one at a time; stop() kills the one running (on failure or Ctrl-C). */
export function nodeMeasurer() {
  const running = new Set();
  return {
    /** @returns {Promise<{ firstMs: number, ms: number[], baselineBytes: number, peakBytes: number }>} */
    measure({ dir, size, implementation, operation, repeats }) {
      return new Promise((resolve, reject) => {
        const child = spawn(process.execPath, ['--expose-gc', '--import', 'tsx', RUNNER, dir, size, implementation, operation, String(repeats)], {
          cwd: REPO_ROOT,
          stdio: ['ignore', 'pipe', 'pipe'],
        });
        running.add(child);
        let out = '';
        let err = '';
        child.stdout.on('data', (d) => (out += d));
        child.stderr.on('data', (d) => (err += d));
        child.on('error', reject);
        child.on('close', (code, signal) => {
          running.delete(child);
          if (code === 0) resolve(JSON.parse(out.trim().split('\n').pop()));
          else reject(new Error(`node runner (${implementation} ${operation} ${size}) ended with ${code ?? signal}: ${err.trim().split('\n').slice(0, 8).join('\n')}`));
        });
      });
    },
    stop() {
      for (const child of running) child.kill('SIGKILL');
    },
  };
}
