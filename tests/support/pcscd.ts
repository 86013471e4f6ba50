// A private pcscd for tests: its own reader.conf.d (entries given by the caller: vpcd, libccid's
// serial driver, ...), its own socket, never the system's. Debian's pcscd 1.9.9 ignores
// PCSCLITE_CSOCK_NAME and always binds /run/pcscd/pcscd.comm (plus a pid file there, which makes a
// second instance refuse to start), so it runs in a private mount namespace where a temp dir is
// bind-mounted over /run/pcscd. Clients (libpcsclite does honour PCSCLITE_CSOCK_NAME) find it
// through `env`.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

export interface ReaderConfEntry {
  /** FRIENDLYNAME: pcscd names the reader "<friendlyName> 00 00" (and "... 00 01" for a second slot). */
  friendlyName: string;
  /** DEVICENAME, e.g. /dev/null:0x9C41 for vpcd or /dev/pts/3:SEC1210URT for libccidtwin. */
  deviceName: string;
  /** LIBPATH of the IFD handler. */
  libPath: string;
  /** CHANNELID, if the driver reads it. */
  channelId?: number;
}

export const VPCD_DRIVER = '/usr/lib/pcsc/drivers/serial/libifdvpcd.so';

/**
 * vpcd listening on `port` (on all interfaces: only ever connect from loopback). vpcd also opens
 * a second reader "<name> 00 01" on port + 1; see freeVpcdPort.
 */
export function vpcdReader(port: number, friendlyName = 'Virtual PCD'): ReaderConfEntry {
  const hex = `0x${port.toString(16).toUpperCase()}`;
  return { friendlyName, deviceName: `/dev/null:${hex}`, libPath: VPCD_DRIVER, channelId: port };
}

const isFree = (port: number) =>
  new Promise<boolean>((resolve) => {
    const probe = net.createServer();
    probe.once('error', () => resolve(false));
    probe.listen(port, '0.0.0.0', () => probe.close(() => resolve(true)));
  });

/** A port P with P and P + 1 free a moment ago (vpcd binds both). */
export async function freeVpcdPort(): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const port = 20000 + Math.floor(Math.random() * 40000);
    if ((await isFree(port)) && (await isFree(port + 1))) return port;
  }
  throw new Error('no free port pair for vpcd');
}

export interface Pcscd {
  /** Merge into a client's environment (PCSCLITE_CSOCK_NAME points at this daemon). */
  env: { PCSCLITE_CSOCK_NAME: string };
  /** This process's environment with `env` merged in: pass it to spawned PC/SC clients. */
  clientEnv(): NodeJS.ProcessEnv;
  /** pcscd's log so far (with `debug`: APDUs too); attach it to a failing assertion. */
  log(): string;
  /** SIGTERM, wait for exit (SIGKILL after 5 s), remove the temp dir. */
  stop(): Promise<void>;
}

export interface StartPcscdOptions {
  /** `-d -a`: debug log with every APDU. */
  debug?: boolean;
  /** How long to wait for the daemon's socket; default 10 s. */
  readyTimeoutMs?: number;
}

function readerConf(entry: ReaderConfEntry): string {
  const lines = [`FRIENDLYNAME "${entry.friendlyName}"`, `DEVICENAME ${entry.deviceName}`, `LIBPATH ${entry.libPath}`];
  if (entry.channelId !== undefined) lines.push(`CHANNELID 0x${entry.channelId.toString(16)}`);
  return `${lines.join('\n')}\n`;
}

const exited = (child: ChildProcess) =>
  new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    else child.once('exit', () => resolve());
  });

export async function startPcscd(readers: ReaderConfEntry[], options: StartPcscdOptions = {}): Promise<Pcscd> {
  if (!fs.existsSync('/usr/sbin/pcscd')) throw new Error('pcscd is not installed (Debian package pcscd; scripts/bootstrap.mjs installs it)');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sealpost-pcscd-'));
  const confDir = path.join(dir, 'reader.conf.d');
  const runDir = path.join(dir, 'run');
  fs.mkdirSync(confDir);
  fs.mkdirSync(runDir);
  readers.forEach((entry, i) => fs.writeFileSync(path.join(confDir, `reader-${i}`), readerConf(entry)));
  const socket = path.join(runDir, 'pcscd.comm');

  // unshare execs sh, which execs pcscd: the child's pid is pcscd's, so stop() signals pcscd itself.
  // /run/pcscd may be missing on a fresh machine (the package's tmpfiles entry runs at boot).
  const namespace = process.getuid?.() === 0 ? ['--mount'] : ['--user', '--map-root-user', '--mount'];
  const flags = ['-f', ...(options.debug ? ['-d', '-a'] : []), '-c', confDir];
  const child = spawn('unshare', [...namespace, 'sh', '-c', 'mkdir -p /run/pcscd && mount --bind "$0" /run/pcscd && exec /usr/sbin/pcscd "$@"', runDir, ...flags], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let log = '';
  child.stdout?.on('data', (chunk: Buffer) => (log += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (log += chunk.toString()));

  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const killer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited(child);
      clearTimeout(killer);
    }
    fs.rmSync(dir, { recursive: true, force: true });
  };

  // pcscd loads the reader.conf drivers before it opens its socket, so the socket means ready.
  const deadline = Date.now() + (options.readyTimeoutMs ?? 10000);
  while (!fs.existsSync(socket)) {
    if (child.exitCode !== null || Date.now() > deadline) {
      const output = log;
      await stop();
      throw new Error(`private pcscd did not start:\n${output}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  const env = { PCSCLITE_CSOCK_NAME: socket };
  return { env, clientEnv: () => ({ ...process.env, ...env }), log: () => log, stop };
}

/** Whether startPcscd can run here: pcscd installed and a private mount namespace allowed (root, or user namespaces). */
export function canStartPcscd(): boolean {
  if (!fs.existsSync('/usr/sbin/pcscd')) return false;
  const namespace = process.getuid?.() === 0 ? ['--mount'] : ['--user', '--map-root-user', '--mount'];
  return spawnSync('unshare', [...namespace, 'true']).status === 0;
}
