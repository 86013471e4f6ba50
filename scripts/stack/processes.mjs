// Daemon bookkeeping for the local mail stack: every server runs in the foreground of its own
// process group, detached from the script that started it, with a pid file in <state>/run/.
// That makes "start" idempotent and "stop" able to leave no stray process.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function pidFile(inst, name) {
  return path.join(inst.dirs.run, `${name}.pid`);
}

export function logFile(inst, name) {
  return path.join(inst.dirs.log, `${name}.log`);
}

/** The live pid recorded for `name`, or null (stale pid files are removed). */
export function runningPid(inst, name) {
  let rec;
  try {
    rec = JSON.parse(fs.readFileSync(pidFile(inst, name), 'utf8'));
  } catch {
    return null;
  }
  if (isAlive(rec.pid) && cmdlineMatches(rec.pid, rec.command)) return rec.pid;
  fs.rmSync(pidFile(inst, name), { force: true });
  return null;
}

function isAlive(pid) {
  try {
    process.kill(pid, 0);
  } catch (e) {
    return e.code === 'EPERM';
  }
  // A zombie (exited, not yet reaped by an init that may never reap it) is not alive.
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return true;
  }
}

// Guards against a recycled pid: the process must still be the program we started.
function cmdlineMatches(pid, command) {
  try {
    const argv0 = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0')[0];
    return path.basename(argv0) === path.basename(command) || argv0.endsWith(path.basename(command));
  } catch {
    return true; // no /proc: trust the pid
  }
}

export function portOpen(port, host = '127.0.0.1', timeoutMs = 500) {
  return new Promise((resolve) => {
    const sock = net.connect({ port, host });
    const done = (ok) => {
      sock.destroy();
      resolve(ok);
    };
    sock.setTimeout(timeoutMs, () => done(false));
    sock.once('connect', () => done(true));
    sock.once('error', () => done(false));
  });
}

function tail(file, lines = 20) {
  try {
    return fs.readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

/**
 * Starts `command` as a detached daemon unless it already runs; resolves once every port in
 * `readyPorts` accepts connections. Throws with the log's tail if it dies or times out.
 * @param {ReturnType<import('./instance.mjs').resolveInstance>} inst
 * @param {{ name: string, command: string, args: string[], env?: NodeJS.ProcessEnv, cwd?: string,
 *           readyPorts?: number[], timeoutMs?: number }} spec
 * @returns {Promise<{ pid: number, started: boolean }>}
 */
export async function startDaemon(inst, spec) {
  const { name, command, args, env, cwd, readyPorts = [], timeoutMs = 20000 } = spec;
  fs.mkdirSync(inst.dirs.run, { recursive: true });
  fs.mkdirSync(inst.dirs.log, { recursive: true });
  const existing = runningPid(inst, name);
  if (existing) return { pid: existing, started: false };

  for (const port of readyPorts) {
    if (await portOpen(port)) {
      throw new Error(
        `${name}: port ${port} on 127.0.0.1 is already taken by another program. ` +
          `Stop it, or choose other ports with SEALPOST_STACK_PORT_BASE.`,
      );
    }
  }

  const log = logFile(inst, name);
  const fd = fs.openSync(log, 'a');
  const child = spawn(command, args, {
    cwd: cwd ?? inst.stateDir,
    env: env ?? process.env,
    detached: true,
    stdio: ['ignore', fd, fd],
  });
  fs.closeSync(fd);
  let exited = null;
  child.once('exit', (code, signal) => (exited = { code, signal }));
  child.once('error', (err) => (exited = { code: null, signal: null, err }));
  await sleep(0);
  if (exited?.err) throw new Error(`${name}: cannot run ${command}: ${exited.err.message}`);
  fs.writeFileSync(pidFile(inst, name), JSON.stringify({ pid: child.pid, command }));
  child.unref();

  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (exited) {
      fs.rmSync(pidFile(inst, name), { force: true });
      throw new Error(`${name} exited during start-up (${JSON.stringify(exited)}). Log ${log}:\n${tail(log)}`);
    }
    const open = await Promise.all(readyPorts.map((p) => portOpen(p)));
    if (open.every(Boolean)) return { pid: child.pid, started: true };
    if (Date.now() > deadline) {
      await stopDaemon(inst, name);
      throw new Error(`${name} did not open port(s) ${readyPorts.join(', ')} within ${timeoutMs} ms. Log ${log}:\n${tail(log)}`);
    }
    await sleep(100);
  }
}

/** Stops a daemon and its whole process group: TERM, then KILL after a grace period. */
export async function stopDaemon(inst, name, graceMs = 5000) {
  const pid = runningPid(inst, name);
  if (!pid) return false;
  const signalGroup = (sig) => {
    try {
      process.kill(-pid, sig);
    } catch {
      try {
        process.kill(pid, sig);
      } catch {
        /* already gone */
      }
    }
  };
  signalGroup('SIGTERM');
  const deadline = Date.now() + graceMs;
  while (isAlive(pid) && Date.now() < deadline) await sleep(50);
  if (isAlive(pid)) signalGroup('SIGKILL');
  for (let i = 0; i < 100 && isAlive(pid); i++) await sleep(20);
  fs.rmSync(pidFile(inst, name), { force: true });
  return true;
}
