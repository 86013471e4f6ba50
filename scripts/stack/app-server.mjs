// Builds and runs the Next.js production server against one stack instance.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

import { REPO_ROOT } from './instance.mjs';
import { appEnvPath } from './stack.mjs';

const SOURCE_DIRS = ['app', 'components', 'stores', 'lib', 'server', 'public'];
const SOURCE_FILES = ['package-lock.json', 'next.config.js', 'tsconfig.json', 'instrumentation.ts'];

/** Next's output folder for an instance: the tests never rebuild under a running demo. */
export function distDir(inst) {
  return inst.name === 'demo' ? '.next' : `.next-${inst.name}`;
}

function newestMtime(p) {
  let st;
  try {
    st = fs.statSync(p);
  } catch {
    return 0;
  }
  if (!st.isDirectory()) return st.mtimeMs;
  let newest = st.mtimeMs;
  for (const entry of fs.readdirSync(p)) newest = Math.max(newest, newestMtime(path.join(p, entry)));
  return newest;
}

/** Runs `next build` unless the existing build is newer than every source file. */
export function buildApp(inst, { force = false, log = console.log } = {}) {
  const dist = distDir(inst);
  const buildId = path.join(REPO_ROOT, dist, 'BUILD_ID');
  if (!force && fs.existsSync(buildId)) {
    const built = fs.statSync(buildId).mtimeMs;
    const sources = Math.max(...[...SOURCE_DIRS, ...SOURCE_FILES].map((p) => newestMtime(path.join(REPO_ROOT, p))));
    if (sources < built) return false;
  }
  log(`Building the app (next build → ${dist})…`);
  const r = spawnSync(process.execPath, [nextBin(), 'build'], {
    cwd: REPO_ROOT,
    stdio: 'inherit',
    env: { ...process.env, SEALPOST_DIST_DIR: dist, NEXT_TELEMETRY_DISABLED: '1' },
  });
  if (r.status !== 0) throw new Error(`next build failed (exit ${r.status ?? r.signal})`);
  return true;
}

function nextBin() {
  return path.join(REPO_ROOT, 'node_modules', 'next', 'dist', 'bin', 'next');
}

/**
 * Starts `next start` on 127.0.0.1 with the instance's app.env.json; resolves once /login answers.
 * `nodeArgs` go to the Node process that runs the server (the benchmark passes --inspect);
 * `port` and `env` start a second server with other settings (e2e/faults/session-idle.spec.ts).
 * @returns {Promise<{ url: string, child: import('node:child_process').ChildProcess, stop: () => Promise<void> }>}
 */
export async function startApp(inst, { stdio = 'inherit', timeoutMs = 60000, nodeArgs = [], port = inst.ports.app, env: extraEnv = {} } = {}) {
  const env = JSON.parse(fs.readFileSync(appEnvPath(inst), 'utf8'));
  const url = `http://${inst.host}:${port}`;
  const child = spawn(process.execPath, [...nodeArgs, nextBin(), 'start', '-H', inst.host, '-p', String(port)], {
    cwd: REPO_ROOT,
    stdio,
    env: { ...process.env, ...env, ...extraEnv, SEALPOST_DIST_DIR: distDir(inst), NEXT_TELEMETRY_DISABLED: '1', NODE_ENV: 'production' },
  });
  let exited = null;
  child.once('exit', (code, signal) => (exited = { code, signal }));
  const stop = () =>
    new Promise((resolve) => {
      if (exited) return resolve();
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
      setTimeout(() => exited || child.kill('SIGKILL'), 5000).unref();
    });

  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (exited) throw new Error(`the app exited during start-up (${JSON.stringify(exited)})`);
    try {
      // A bounded wait: something else holding the port may accept and never answer.
      const res = await fetch(`${url}/login`, { redirect: 'manual', signal: AbortSignal.timeout(5000) });
      if (res.status < 500) return { url, child, stop };
    } catch {
      /* not listening yet */
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`the app did not answer on ${url} within ${timeoutMs} ms`);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
}
