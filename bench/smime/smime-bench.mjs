#!/usr/bin/env node
// The S/MIME benchmark of issue 4 (see bench/README.md): sign, verify, encrypt, decrypt,
// sign+encrypt and decrypt+verify of text messages, by each implementation of operations.ts in
// Node and in Chromium, next to `openssl cms` doing the same with the same keys in the same run.
// For each size and operation the rows are measured back to back, so the ratios see the same
// machine load. Prints a table and writes bench/results/<timestamp>-smime.json. Everything it
// started (openssl, node runners, Chromium, the HTTP server, the temporary material) is stopped
// or removed at the end, on failure and on Ctrl-C.
//   node bench/smime/smime-bench.mjs [--sizes 10k,1m,25m] [--repeats 5] [--runtimes node,chromium]
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

import { runStamp } from '../report.mjs';
import { summarize } from '../stats.mjs';
import { bundlePage, launchBrowser, measureInChromium, startServer } from './browser-measure.mjs';
import { makeMaterial, parseSizes } from './material.mjs';
import { nodeMeasurer } from './node-measure.mjs';
import { crossCheck, measureOpenssl, opensslCommands, opensslNoOp } from './openssl-reference.mjs';
import { formatTable, resultRows, TARGETS, verdictSummary } from './smime-report.mjs';

const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const RUNTIMES = ['node', 'chromium'];

const { values } = parseArgs({
  options: {
    sizes: { type: 'string', default: '10k,1m,25m' },
    repeats: { type: 'string', default: '5' },
    runtimes: { type: 'string', default: RUNTIMES.join(',') },
  },
});

function fail(message) {
  console.error(`bench smime: ${message}`);
  process.exit(1);
}

let sizes;
try {
  sizes = parseSizes(values.sizes);
} catch (e) {
  fail(`--sizes: ${e.message}`);
}
const repeats = Number(values.repeats);
if (!Number.isInteger(repeats) || repeats < 1 || repeats > 50) fail(`--repeats must be a whole number from 1 to 50, got "${values.repeats}"`);
const runtimes = values.runtimes.split(',').map((r) => r.trim());
if (!runtimes.length || runtimes.some((r) => !RUNTIMES.includes(r))) fail(`--runtimes takes ${RUNTIMES.join(' and/or ')}, got "${values.runtimes}"`);
if (runtimes.includes('chromium') && !fs.existsSync('/usr/bin/chromium')) fail("Debian's /usr/bin/chromium is missing (apt-get install chromium), or pass --runtimes node");

// operations.ts is TypeScript: loaded through tsx, as the node runners load it.
const { tsImport } = await import('tsx/esm/api');
const { IMPLEMENTATIONS, OPERATION_NAMES } = await tsImport('./operations.ts', import.meta.url);

const log = (line) => console.log(line);
const started = { material: null, node: nodeMeasurer(), server: null, browser: null };
let cleaning = null;
let interrupted = false;

/** Stops what this run started; safe to call twice. */
function cleanUp() {
  cleaning ??= (async () => {
    started.node.stop();
    await started.browser?.close().catch(() => {});
    await started.server?.close();
    started.material?.cleanup();
  })();
  return cleaning;
}
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, async () => {
    interrupted = true;
    console.error(`\n${signal}: stopping what the S/MIME benchmark started…`);
    await cleanUp();
    process.exit(130);
  });
}

const t0 = Date.now();
const loadBefore = os.loadavg();
const mb = (bytes) => `${(bytes / 1048576).toFixed(1)} MB`;
try {
  log(`• material: RSA-2048 root, signer and recipient by OpenSSL; messages of ${sizes.map((s) => s.label).join(', ')}`);
  const material = (started.material = makeMaterial({ sizes, log }));
  const scratchDir = path.join(material.dir, 'scratch');
  fs.mkdirSync(scratchDir);

  const noOp = opensslNoOp({ repeats, scratchDir });
  const noOpStats = summarize(noOp.ms);
  log(`• openssl version (a no-op process): ${noOpStats.median.toFixed(1)} ms, max RSS ${noOp.maxRssBytes == null ? '—' : mb(noOp.maxRssBytes)}`);

  let chromiumVersion = null;
  if (runtimes.includes('chromium')) {
    log('• Chromium: bundling the operations (esbuild), serving them on 127.0.0.1, launching /usr/bin/chromium');
    started.server = await startServer({ dataDir: material.dir, bundle: await bundlePage() });
    started.browser = await launchBrowser();
    chromiumVersion = started.browser.version();
  }

  const openssl = {};
  const measured = [];
  const crossChecks = [];
  for (const size of sizes) {
    log(`• ${size.label} (${size.bytes} bytes): ${repeats} timed runs each, after a warm-up and a checked run`);
    const inputs = material.sizes[size.label];
    openssl[size.label] = {};
    for (const operation of OPERATION_NAMES) {
      const commands = opensslCommands(material.files, inputs, path.join(scratchDir, 'intermediate.der'))[operation];
      const ref = measureOpenssl({ commands, repeats, scratchDir, noOpRssBytes: noOp.maxRssBytes });
      openssl[size.label][operation] = ref;
      const refMedian = summarize(ref.ms).median;
      const parts = [`openssl ${refMedian.toFixed(1)} ms`];
      for (const implementation of IMPLEMENTATIONS) {
        for (const runtime of runtimes) {
          const job = { size: size.label, implementation: implementation.id, operation, repeats };
          const r = runtime === 'node'
            ? await started.node.measure({ ...job, dir: material.dir })
            : await measureInChromium({ ...job, browser: started.browser, url: started.server.url });
          measured.push({ ...job, runtime, ...r });
          const median = summarize(r.ms).median;
          parts.push(`${implementation.id} ${runtime} ${median.toFixed(1)} ms (${(median / refMedian).toFixed(2)}×, peak ${mb(r.peakBytes)})`);
        }
      }
      log(`  ${operation}: ${parts.join(' | ')}`);
    }
    if (runtimes.includes('node')) {
      for (const implementation of IMPLEMENTATIONS) {
        const problems = crossCheck({ files: material.files, inputs, implementation: implementation.id, scratchDir });
        crossChecks.push({ size: size.label, implementation: implementation.id, problems });
        log(`  OpenSSL reads ${implementation.id}'s signature, envelope and signed envelope: ${problems.length ? `NO: ${problems.join('; ')}` : 'yes'}`);
      }
    }
  }

  const rows = resultRows({ sizes, operations: OPERATION_NAMES, openssl, measured });
  const stamp = runStamp();
  const resultsDir = path.join(REPO_ROOT, 'bench', 'results');
  fs.mkdirSync(resultsDir, { recursive: true });
  const file = path.join(resultsDir, `${stamp}-smime.json`);
  const record = {
    run: stamp,
    seconds: (Date.now() - t0) / 1000,
    machine: { cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model, memoryBytes: os.totalmem(), loadavgBefore: loadBefore, loadavgAfter: os.loadavg(), node: process.version, chromium: chromiumVersion },
    config: { sizes, repeats, runtimes, implementations: IMPLEMENTATIONS.map(({ id, description }) => ({ id, description })) },
    targets: TARGETS,
    opensslNoOp: noOp,
    openssl,
    measured,
    crossChecks,
    table: rows,
  };
  fs.writeFileSync(file, JSON.stringify(record, null, 2) + '\n');

  console.log(`\nSealpost S/MIME benchmark: ${repeats} timed runs per figure (median); ${os.cpus().length} CPUs, load ${loadBefore.map((l) => l.toFixed(1)).join(' ')}; Node ${process.version}${chromiumVersion ? `, Chromium ${chromiumVersion}` : ''}`);
  for (const i of IMPLEMENTATIONS) console.log(`  ${i.id}: ${i.description}`);
  console.log(formatTable(rows));
  console.log(`\nReference: openssl cms with the same keys, same run; a process's wall time, and each process costs ${noOpStats.median.toFixed(1)} ms (openssl version) of that.`);
  console.log(`Peak memory: the growth of RSS during one run in a fresh process (Node) or renderer (Chromium); OpenSSL: max RSS minus that of openssl version (${noOp.maxRssBytes == null ? '—' : mb(noOp.maxRssBytes)}).`);
  console.log(`Targets at ${mb(TARGETS.atBytes)}: time within ${TARGETS.ratio.node}× of OpenSSL in Node, ${TARGETS.ratio.chromium}× in Chromium; peak memory under ${TARGETS.peakPerMessage}× the message.`);
  for (const line of verdictSummary(rows)) console.log(`  ${line}`);
  const broken = crossChecks.filter((c) => c.problems.length);
  if (broken.length) {
    console.error(`\nOpenSSL could not read what these wrote: ${broken.map((c) => `${c.implementation} at ${c.size}`).join(', ')}; their figures do not count.`);
    process.exitCode = 1;
  }
  console.log(`Written ${path.relative(REPO_ROOT, file)} (${((Date.now() - t0) / 1000).toFixed(0)} s in all).`);
} catch (e) {
  if (!interrupted) console.error(`\nbench smime: ${e.stack ?? e.message}`);
  process.exitCode = 1;
} finally {
  await cleanUp();
}
