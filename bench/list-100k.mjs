#!/usr/bin/env node
// `npm run bench`: the 100,000-message list benchmark of issue 3 (see bench/README.md).
// Brings up its own "bench" stack instance and app, fills one folder of `victor` with 100,000
// messages (reused by later runs), measures in Chromium and in the server, measures the same
// work straight against Dovecot as the reference, prints a table and writes
// bench/results/<timestamp>.json. Everything it started is stopped at the end, on failure and
// on Ctrl-C.
//   npm run bench -- [--repeats 5] [--sessions 20] [--count 100000] [--jump-timeout 5000]
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';

import { bootstrap } from '../scripts/bootstrap.mjs';

bootstrap({ browser: true });

const { REPO_ROOT, resolveInstance } = await import('../scripts/stack/instance.mjs');
const { startStack, stopStack, stackStatus } = await import('../scripts/stack/stack.mjs');
const { buildApp, startApp } = await import('../scripts/stack/app-server.mjs');
const { runningPid } = await import('../scripts/stack/processes.mjs');
const { launchBrowser, measureInBrowser } = await import('./browser-timings.mjs');
const { doveadmReference, imapReference } = await import('./dovecot-reference.mjs');
const { ensureFilled } = await import('./ensure-filled.mjs');
const { connectInspector, inspectorUrl } = await import('./inspector-client.mjs');
const { formatTable, resultRows, runStamp, TARGETS } = await import('./report.mjs');
const { measureSessionMemory, middlePageRead } = await import('./server-memory.mjs');
const { benchPages } = await import('./stats.mjs');

const USER = 'victor';
const PASSWORD = 'victor-pass';
const FOLDER = 'Bench 100k';
/** Empty in the bench instance: each round opens the big folder from an empty list. */
const EMPTY_FOLDER = 'Drafts';

const { values } = parseArgs({
  options: {
    repeats: { type: 'string', default: '5' },
    sessions: { type: 'string', default: '20' },
    count: { type: 'string', default: '100000' },
    'jump-timeout': { type: 'string', default: '5000' },
  },
});
const int = (name, min, max) => {
  const n = Number(values[name]);
  if (!Number.isInteger(n) || n < min || n > max) fail(`--${name} must be a whole number from ${min} to ${max}, got "${values[name]}"`);
  return n;
};
const repeats = int('repeats', 1, 50);
const sessions = int('sessions', 1, 45); // Dovecot allows 50 connections per user and address
const count = int('count', 1000, 1_000_000);
const jumpTimeoutMs = int('jump-timeout', 100, 120_000);

const inst = resolveInstance('bench');
const log = (line) => console.log(line);
const started = { stack: false, app: null, browser: null, inspector: null };
let cleaning = null;
let interrupted = false;

/** Stops what this run started, in reverse order; safe to call twice. */
function cleanUp() {
  cleaning ??= (async () => {
    started.inspector?.close();
    await started.browser?.close().catch(() => {});
    await started.app?.stop();
    if (started.stack) await stopStack(inst).catch((e) => console.error(`stopping the bench stack: ${e.message}`));
  })();
  return cleaning;
}
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, async () => {
    interrupted = true;
    console.error(`\n${signal}: stopping what the benchmark started…`);
    await cleanUp();
    process.exit(130);
  });
}

function fail(message) {
  console.error(`bench: ${message}`);
  process.exit(1);
}

async function step(label, fn) {
  const t0 = Date.now();
  log(`• ${label}`);
  const result = await fn();
  log(`  (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
  return result;
}

/** The inspector address the app printed to its log at start. */
async function waitForInspector(logFile, timeoutMs = 10_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const url = inspectorUrl(fs.readFileSync(logFile, 'utf8'));
    if (url) return url;
    if (Date.now() > deadline) throw new Error(`the app printed no inspector address to ${logFile}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const t0 = Date.now();
const loadBefore = os.loadavg();
try {
  const wasRunning = Object.values(stackStatus(inst)).some(Boolean);
  await step(`mail stack "bench" (state in ${inst.stateDir}, ports ${inst.ports.app}-${inst.ports.auth})`, async () => {
    // Left running when it already was (someone else's); stopped at the end when we started it.
    started.stack = !wasRunning;
    await startStack(inst, { seed: false, log: () => {} });
  });
  const imapAt = { host: inst.host, port: inst.ports.imap, user: USER, password: PASSWORD };

  const fill = await step(`folder "${FOLDER}" of ${USER} with ${count} messages`, async () => {
    const r = await ensureFilled({ ...imapAt, folder: FOLDER, count, log });
    log(r.appended ? `  appended ${r.appended}; it holds ${r.total}` : `  reused: it holds ${r.total}`);
    return r;
  });
  const total = fill.total;
  const pages = benchPages(total);

  const app = await step('app (next build when sources changed, then next start with --inspect on loopback)', async () => {
    buildApp(inst);
    const logFile = path.join(inst.dirs.log, 'bench-app.log');
    const fd = fs.openSync(logFile, 'w');
    try {
      started.app = await startApp(inst, { stdio: ['ignore', fd, fd], nodeArgs: ['--inspect=127.0.0.1:0'] });
    } catch (e) {
      throw new Error(`${e.message}; its log: ${logFile}`);
    } finally {
      fs.closeSync(fd);
    }
    started.inspector = await connectInspector(await waitForInspector(logFile));
    log(`  ${started.app.url} (pid ${started.app.child.pid}, log ${logFile})`);
    return started.app;
  });

  const imap = await step(`reference: raw IMAP against the same Dovecot (${repeats} rounds)`, async () => {
    const r = await imapReference({ ...imapAt, folder: FOLDER, otherFolder: EMPTY_FOLDER, pages, repeats });
    log(`  EXAMINE + UID FETCH first 100: ${r.open.median.toFixed(1)} ms (EXAMINE alone ${r.examine.median.toFixed(1)} ms); UID FETCH middle 100 (${r.middleUids}): ${r.jump.median.toFixed(1)} ms`);
    return r;
  });
  const doveadm = await step(`reference: doveadm (${repeats} rounds, each command a new process)`, async () => {
    const r = doveadmReference({ inst, user: USER, folder: FOLDER, pages, repeats });
    log(`  fetch first 100: ${r.first.median.toFixed(0)} ms; search middle range: ${r.search.median.toFixed(0)} ms; fetch middle 100: ${r.middle.median.toFixed(0)} ms`);
    return r;
  });

  const browserResult = await step(`browser: Chromium, ${repeats} rounds after a warm-up`, async () => {
    started.browser = await launchBrowser();
    const r = await measureInBrowser({
      browser: started.browser,
      url: app.url,
      user: USER,
      password: PASSWORD,
      folder: FOLDER,
      emptyFolder: EMPTY_FOLDER,
      total,
      repeats,
      firstRowsTimeoutMs: 30_000,
      jumpTimeoutMs,
      log,
    });
    r.chromium = started.browser.version();
    await started.browser.close();
    started.browser = null;
    return r;
  });

  const dovecotPid = runningPid(inst, 'dovecot');
  if (!dovecotPid) throw new Error('Dovecot is not running');
  const memory = await step(`server memory: ${sessions} sessions with the folder open at its middle`, () => {
    const apiReads = browserResult.apiReads;
    // A list that never reached the middle never asked for it: ask as the list API allows.
    const extraReads = browserResult.jumpReached ? [] : [middlePageRead(FOLDER, pages)];
    log(`  each session signs in, then replays the browser's reads: ${[...apiReads, ...extraReads].join(', ')}`);
    return measureSessionMemory({ url: app.url, appPid: app.child.pid, inspector: started.inspector, dovecotPid, user: USER, password: PASSWORD, apiReads, extraReads, sessions, log });
  });

  const rows = resultRows({ browser: browserResult, imap, doveadm, memory });
  const stamp = runStamp();
  const resultsDir = path.join(REPO_ROOT, 'bench', 'results');
  fs.mkdirSync(resultsDir, { recursive: true });
  const file = path.join(resultsDir, `${stamp}.json`);
  const record = {
    run: stamp,
    seconds: (Date.now() - t0) / 1000,
    machine: { cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model, memoryBytes: os.totalmem(), loadavgBefore: loadBefore, loadavgAfter: os.loadavg(), node: process.version, chromium: browserResult.chromium },
    config: { instance: inst.name, ports: inst.ports, user: USER, folder: FOLDER, messages: total, repeats, sessions, jumpTimeoutMs, pages },
    targets: TARGETS,
    fill,
    browser: browserResult,
    reference: { imap, doveadm },
    memory,
    table: rows,
  };
  fs.writeFileSync(file, JSON.stringify(record, null, 2) + '\n');

  console.log(`\nSealpost list benchmark: ${total} messages, ${repeats} rounds, ${sessions} sessions; ${os.cpus().length} CPUs, load ${loadBefore.map((l) => l.toFixed(1)).join(' ')}`);
  console.log(formatTable(rows));
  if (browserResult.jumpNote) console.log(`\nJump: ${browserResult.jumpNote}.`);
  console.log(`Reference: the same fetches straight against Dovecot in this run; ratio = Sealpost / reference. doveadm figures include starting the process.`);
  console.log(`Written ${path.relative(REPO_ROOT, file)} (${((Date.now() - t0) / 1000).toFixed(0)} s in all).`);
} catch (e) {
  // After Ctrl-C the steps fail as their browser and app go away: not worth a stack trace.
  if (!interrupted) console.error(`\nbench: ${e.stack ?? e.message}`);
  process.exitCode = 1;
} finally {
  await cleanUp();
}
