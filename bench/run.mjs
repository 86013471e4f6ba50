#!/usr/bin/env node
// `npm run bench`: the benchmarks one after the other, or one of them with its own options.
//   npm run bench                                  # list (issue 3), then smime (issue 4), defaults
//   npm run bench -- --only list --repeats 9       # one benchmark; the options after it are its own
//   npm run bench -- --only smime --sizes 10k,1m
// Each runs in a child process; Ctrl-C reaches it (same process group) and it stops what it started.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = path.dirname(fileURLToPath(import.meta.url));
export const BENCHMARKS = { list: path.join(HERE, 'list-100k.mjs'), smime: path.join(HERE, 'smime', 'smime-bench.mjs') };

/**
 * Which benchmarks to run with which arguments. Options belong to one benchmark, so they are only
 * taken after `--only <name>`.
 * @returns {{ name: string, script: string, args: string[] }[]}
 */
export function planRuns(argv) {
  if (argv.length === 0) return Object.entries(BENCHMARKS).map(([name, script]) => ({ name, script, args: [] }));
  const [flag = '', ...rest] = argv;
  let name;
  let args;
  if (flag === '--only') [name = '', ...args] = rest;
  else if (flag.startsWith('--only=')) [name, args] = [flag.slice('--only='.length), rest];
  else throw new Error(`options belong to one benchmark: start with --only ${Object.keys(BENCHMARKS).join('|')} (got "${flag}")`);
  if (!Object.hasOwn(BENCHMARKS, name)) throw new Error(`--only takes ${Object.keys(BENCHMARKS).join(' or ')}, not "${name}"`);
  return [{ name, script: BENCHMARKS[name], args }];
}

async function main() {
  let runs;
  try {
    runs = planRuns(process.argv.slice(2));
  } catch (e) {
    console.error(`bench: ${e.message}`);
    process.exit(2);
  }
  // The child handles Ctrl-C (it has the same terminal); this process only waits for it.
  for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => {});
  let worst = 0;
  for (const { name, script, args } of runs) {
    if (runs.length > 1) console.log(`\n=== bench ${name} ===`);
    const child = spawn(process.execPath, [script, ...args], { stdio: 'inherit' });
    const forward = (signal) => child.kill(signal);
    process.on('SIGTERM', forward);
    const code = await new Promise((resolve) => child.on('close', (c, signal) => resolve(c ?? (signal ? 130 : 1))));
    process.off('SIGTERM', forward);
    worst = Math.max(worst, code);
    if (code === 130) break;
  }
  process.exit(worst);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) await main();
