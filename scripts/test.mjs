#!/usr/bin/env node
// `npm test`: bootstrap, then typecheck, lint, unit tests, integration tests against a fresh
// "test" instance of the real mail stack, and Playwright e2e tests in Debian's Chromium.
// Every step runs even when an earlier one failed (except those that need a stack that did not
// start); the last line counts tests: "Summary: N passed, N failed".
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

import { bootstrap } from './bootstrap.mjs';

bootstrap({ browser: true });

const { REPO_ROOT, resolveInstance } = await import('./stack/instance.mjs');
const { startStack, stopStack } = await import('./stack/stack.mjs');
const { buildApp, startApp } = await import('./stack/app-server.mjs');

const inst = resolveInstance('test');
const resultsDir = path.join(REPO_ROOT, 'test-results');
fs.mkdirSync(resultsDir, { recursive: true });
const bin = (name) => path.join(REPO_ROOT, 'node_modules', '.bin', name);
const baseEnv = { ...process.env, TZ: 'UTC', LANG: 'C.UTF-8', NEXT_TELEMETRY_DISABLED: '1', SEALPOST_STACK_INSTANCE: inst.name };

/** @type {{ name: string, passed: number, failed: number, skipped: number, ms: number, note?: string }[]} */
const results = [];

function step(name, cmd, args, { env = {}, count } = {}) {
  console.log(`\n=== ${name}: ${[path.basename(cmd), ...args].join(' ')}`);
  const t0 = Date.now();
  const r = spawnSync(cmd, args, { cwd: REPO_ROOT, stdio: 'inherit', env: { ...baseEnv, ...env } });
  const ok = r.status === 0;
  const counted = count?.();
  const res = counted ?? { passed: ok ? 1 : 0, failed: ok ? 0 : 1, skipped: 0 };
  // A runner that exits non-zero without a failed test (crash, config error) still fails the run.
  if (!ok && res.failed === 0) res.failed = 1;
  results.push({ name, ...res, ms: Date.now() - t0 });
  return ok;
}

function skip(name, why) {
  results.push({ name, passed: 0, failed: 1, skipped: 0, ms: 0, note: `not run: ${why}` });
}

const readJson = (file) => {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch {
    return null;
  }
};
// eslint-disable-next-line no-control-regex -- terminal colour codes in failure messages
const firstLines = (text, n = 3) => String(text ?? '').replace(/\x1b\[[0-9;]*m/g, '').split('\n').map((l) => l.trim()).filter(Boolean).slice(0, n).join(' | ');
// What failed or did not run, named, so the last lines of a CI log say it (a hook that failed
// leaves its file's tests "skipped" with no failed test).
const vitestCounts = (file) => () => {
  const j = readJson(file);
  if (!j) return null;
  const problems = [];
  for (const f of j.testResults ?? []) {
    const name = path.relative(REPO_ROOT, f.name);
    if (f.status === 'failed' && f.message) problems.push(`${name}: ${firstLines(f.message)}`);
    for (const a of f.assertionResults ?? []) {
      if (a.status === 'failed') problems.push(`${name} › ${a.fullName}: ${firstLines(a.failureMessages?.join('\n'))}`);
      else if (a.status === 'pending' || a.status === 'skipped') problems.push(`${name} › ${a.fullName}: not run`);
    }
  }
  return { passed: j.numPassedTests, failed: j.numFailedTests, skipped: j.numPendingTests + j.numTodoTests, problems };
};
const playwrightCounts = (file) => () => {
  const j = readJson(file);
  if (!j?.stats) return null;
  const problems = [];
  const walk = (suite, titles) => {
    for (const spec of suite.specs ?? []) {
      for (const t of spec.tests ?? []) {
        if (t.status === 'expected' || t.status === 'flaky') continue;
        const last = t.results?.at(-1);
        const what = t.status === 'skipped' ? 'not run' : firstLines(last?.error?.message ?? last?.errors?.[0]?.message);
        problems.push(`${[...titles, spec.title].filter(Boolean).join(' › ')} (${spec.file}:${spec.line}): ${what}`);
      }
    }
    for (const child of suite.suites ?? []) walk(child, [...titles, child.title]);
  };
  for (const suite of j.suites ?? []) walk(suite, []);
  const s = j.stats;
  return { passed: s.expected + s.flaky, failed: s.unexpected, skipped: s.skipped, problems };
};
const vitest = (project) => [
  'run',
  '--project',
  project,
  '--reporter=default',
  '--reporter=json',
  `--outputFile.json=${path.join(resultsDir, `${project}.json`)}`,
];

let app = null;
async function cleanUp() {
  await app?.stop();
  await stopStack(inst).catch((e) => console.error(`stopping the test stack: ${e.message}`));
}
process.on('SIGINT', async () => {
  await cleanUp();
  process.exit(130);
});

try {
  step('typecheck', bin('tsc'), ['--noEmit', '-p', 'tsconfig.json']);
  step('lint', bin('eslint'), ['--max-warnings', '0', '.']);
  for (const f of ['unit.json', 'integration.json', 'e2e.json']) fs.rmSync(path.join(resultsDir, f), { force: true });
  step('unit', bin('vitest'), vitest('unit'), { count: vitestCounts(path.join(resultsDir, 'unit.json')) });

  let stackUp = false;
  console.log(`\n=== mail stack "${inst.name}" (fresh state in ${inst.stateDir})`);
  try {
    await stopStack(inst);
    if (!process.env.SEALPOST_TEST_KEEP_STATE) fs.rmSync(inst.stateDir, { recursive: true, force: true });
    await startStack(inst, { log: (l) => console.log(l) });
    stackUp = true;
  } catch (e) {
    console.error(`The test stack did not start: ${e.message}`);
  }

  if (stackUp) {
    step('integration', bin('vitest'), vitest('integration'), {
      count: vitestCounts(path.join(resultsDir, 'integration.json')),
    });
    try {
      buildApp(inst, { force: true });
      app = await startApp(inst, { stdio: ['ignore', fs.openSync(path.join(resultsDir, 'app.log'), 'w'), 'inherit'] });
    } catch (e) {
      console.error(`The app did not start: ${e.message}`);
    }
    if (app) {
      step('e2e', bin('playwright'), ['test'], {
        env: { SEALPOST_APP_URL: app.url },
        count: playwrightCounts(path.join(resultsDir, 'e2e.json')),
      });
    } else skip('e2e', 'the app did not start');
  } else {
    skip('integration', 'the mail stack did not start');
    skip('e2e', 'the mail stack did not start');
  }
} finally {
  await cleanUp();
}

const problems = results.flatMap((r) => (r.problems ?? []).map((p) => `  ${r.name}: ${p}`));
if (problems.length) {
  console.log('\n=== failed or not run');
  for (const line of problems.slice(0, 40)) console.log(line.length > 400 ? `${line.slice(0, 400)}…` : line);
  if (problems.length > 40) console.log(`  … and ${problems.length - 40} more`);
}

console.log('\n=== results');
for (const r of results) {
  const counts = `${r.passed} passed, ${r.failed} failed${r.skipped ? `, ${r.skipped} skipped` : ''}`;
  console.log(`  ${r.failed ? 'FAIL' : 'ok  '} ${r.name.padEnd(12)} ${counts.padEnd(32)} ${(r.ms / 1000).toFixed(1)} s ${r.note ?? ''}`);
}
const total = results.reduce((a, r) => ({ passed: a.passed + r.passed, failed: a.failed + r.failed, skipped: a.skipped + r.skipped }), { passed: 0, failed: 0, skipped: 0 });
console.log(`Summary: ${total.passed} passed, ${total.failed} failed${total.skipped ? `, ${total.skipped} skipped` : ''}`);
process.exit(total.failed ? 1 : 0);
