// Puts the CCID slot simulator behind a pseudo-terminal that speaks libccid's serial (GemPC
// Twin) framing, so Debian's libccidtwin.so under a private pcscd can drive it: the independent
// reference host for the simulator.
//
// Framing (libccid src/ccid_serial.c): each CCID message travels as `03 06 <message> LRC`, LRC
// the XOR of all bytes before it. libccid 1.5.2 treats an unknown reader name such as
// SEC1210URT as a GemPC Twin and reads (and skips) an echo frame before every frame it reads,
// so each answer frame goes out after a copy of the command frame. NotifySlotChange travels
// bare: `50 02` / `50 03`.

import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import type { CcidSlotSimulator } from '@/lib/webusb-token/simulator/ccid-slot-simulator';

const SYNC = 0x03;
const ACK = 0x06;
const HEADER = 10;
/** libccid's serial buffer (GEMPCTWIN_MAXBUF): no message is longer. */
const MAX_FRAME = 1024;

export interface CcidSerialBridge {
  /** The pty path for reader.conf's DEVICENAME. */
  readonly devicePath: string;
  /** Frames seen in each direction, as hex, for a failing test's message. */
  readonly log: string[];
  stop(): Promise<void>;
}

/** Starts socat (PTY <-> UNIX socket in `dir`) and serves the slot on the socket. */
export async function startCcidSerialBridge(slot: CcidSlotSimulator, dir: string): Promise<CcidSerialBridge> {
  const socketPath = path.join(dir, 'ccid-bridge.sock');
  const devicePath = path.join(dir, 'ttyCCID');
  const log: string[] = [];
  const sockets = new Set<net.Socket>();

  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    serve(socket, slot, log);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(socketPath, resolve);
  });

  // wait-slave: socat keeps the pty until pcscd opens it, instead of failing on its hang-up.
  const socat = spawn('socat', [`PTY,link=${devicePath},raw,echo=0,wait-slave`, `UNIX-CONNECT:${socketPath}`], { stdio: ['ignore', 'ignore', 'pipe'] });
  let socatErrors = '';
  socat.stderr!.on('data', (chunk: Buffer) => (socatErrors += chunk.toString()));
  await waitFor(() => fs.existsSync(devicePath), 5000, () => `socat made no pty: ${socatErrors}`);

  return {
    devicePath,
    log,
    async stop() {
      await stopProcess(socat);
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function serve(socket: net.Socket, slot: CcidSlotSimulator, log: string[]): void {
  let pending = Buffer.alloc(0);
  let work = Promise.resolve();
  slot.onInterrupt = (message) => {
    log.push(`<= ${hex(message)}`);
    socket.write(message);
  };

  socket.on('data', (chunk: Buffer) => {
    pending = Buffer.concat([pending, chunk]);
    for (;;) {
      const frame = takeFrame();
      if (!frame) break;
      work = work.then(() => answer(frame));
    }
  });
  socket.on('error', () => socket.destroy());

  /** One whole `03 06 message LRC` frame off the front of the buffer, if there is one. */
  function takeFrame(): Buffer | null {
    const start = pending.indexOf(SYNC);
    if (start < 0) {
      pending = Buffer.alloc(0);
      return null;
    }
    pending = pending.subarray(start);
    if (pending.length < 2 + HEADER) return null;
    if (pending[1] !== ACK) {
      pending = pending.subarray(1);
      return takeFrame();
    }
    const length = 2 + HEADER + pending.readUInt32LE(3) + 1;
    if (length > MAX_FRAME) {
      pending = pending.subarray(1);
      return takeFrame();
    }
    if (pending.length < length) return null;
    const frame = pending.subarray(0, length);
    pending = pending.subarray(length);
    return frame;
  }

  async function answer(frame: Buffer): Promise<void> {
    log.push(`=> ${hex(frame)}`);
    if (xor(frame) !== 0) {
      log.push('   (bad LRC: ignored)');
      return;
    }
    const answers = await slot.handle(new Uint8Array(frame.subarray(2, frame.length - 1)));
    for (const message of answers) {
      const out = toFrame(message);
      log.push(`<= ${hex(out)}`);
      socket.write(Buffer.concat([frame, out]));
    }
  }
}

function toFrame(message: Uint8Array): Buffer {
  const frame = Buffer.alloc(message.length + 3);
  frame[0] = SYNC;
  frame[1] = ACK;
  frame.set(message, 2);
  frame[frame.length - 1] = xor(frame.subarray(0, frame.length - 1));
  return frame;
}

function xor(bytes: Uint8Array): number {
  let x = 0;
  for (const b of bytes) x ^= b;
  return x;
}

const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex');

export async function waitFor(condition: () => boolean, timeoutMs: number, describe: () => string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(describe());
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** SIGTERM, then SIGKILL after 3 s; resolves once the process is gone. */
export async function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
  await exited;
  clearTimeout(timer);
}
