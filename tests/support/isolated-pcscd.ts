// A pcscd of the test's own: its reader.conf directory, and its socket in a private directory.
// Debian's pcscd 1.9.9 ignores PCSCLITE_CSOCK_NAME (only libpcsclite clients read it) and always
// uses /run/pcscd (socket, pid file), so two pcscds there clobber each other's socket. This one
// runs in its own mount namespace with a private directory mounted over /run/pcscd: the
// machine's /run/pcscd and any other pcscd are never touched. That takes root (CAP_SYS_ADMIN).

import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { stopProcess, waitFor } from './ccid-serial-bridge';

export interface IsolatedPcscd {
  /** Environment for PC/SC clients (opensc-tool, libpcsclite): PCSCLITE_CSOCK_NAME set. */
  readonly clientEnv: NodeJS.ProcessEnv;
  /** pcscd's debug output so far. */
  log(): string;
  stop(): Promise<void>;
}

/** Whether this machine can run an isolated pcscd (root, unshare). */
export function canIsolatePcscd(): boolean {
  return fs.existsSync('/usr/sbin/pcscd') && spawnSync('unshare', ['-m', '--propagation', 'private', 'true']).status === 0;
}

/** Starts pcscd -f -d on `readerConfDir`, with its socket under `dir`/run. */
export async function startIsolatedPcscd(dir: string, readerConfDir: string): Promise<IsolatedPcscd> {
  const runDir = path.join(dir, 'run');
  fs.mkdirSync(runDir, { recursive: true });
  const clientEnv = { ...process.env, PCSCLITE_CSOCK_NAME: path.join(runDir, 'pcscd.comm') };
  // unshare execs sh, which execs pcscd: the child's pid is pcscd's, so SIGTERM reaches it.
  // /run/pcscd may not exist yet on a fresh machine (the package's tmpfiles entry runs at boot).
  const script = 'mkdir -p /run/pcscd && mount --bind "$1" /run/pcscd && exec /usr/sbin/pcscd -f -d -c "$2"';
  const child: ChildProcess = spawn('unshare', ['-m', '--propagation', 'private', 'sh', '-c', script, 'sh', runDir, readerConfDir], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const stop = () => stopProcess(child);
  try {
    await waitFor(() => fs.existsSync(clientEnv.PCSCLITE_CSOCK_NAME) || child.exitCode !== null, 20000, () => `pcscd did not start:\n${output.slice(-3000)}`);
    if (child.exitCode !== null) throw new Error(`pcscd exited:\n${output.slice(-3000)}`);
  } catch (error) {
    await stop();
    throw error;
  }
  return { clientEnv, log: () => output, stop };
}
