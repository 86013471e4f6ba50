// An ApduTransport over real PC/SC (pcscd and a reader driver such as vpcd), for integration
// tests: one python3 process (pcsc-session.py, Debian's libpcsclite through ctypes) holds the
// connection; each APDU is one line of hex out and one line back.
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import path from 'node:path';
import readline from 'node:readline';

import { TokenError } from '@/lib/webusb-token/errors';
import type { ApduTransport } from '@/lib/webusb-token/transport';

const SESSION = path.join(__dirname, 'pcsc-session.py');

export interface PcscTransport extends ApduTransport {
  readonly atr: Uint8Array;
}

/** Connects to the first reader whose name contains `readerName`; `env` carries the pcscd socket (Pcscd.clientEnv()). */
export async function openPcscTransport(readerName: string, env: NodeJS.ProcessEnv): Promise<PcscTransport> {
  const child: ChildProcessWithoutNullStreams = spawn('python3', [SESSION, readerName], { env, stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const lines = readline.createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const nextLine = async (): Promise<string> => {
    const { value, done } = await lines.next();
    if (done) throw new TokenError('transport-error', `The PC/SC session ended: ${stderr.trim()}`);
    return value as string;
  };
  const atr = Uint8Array.from(Buffer.from(await nextLine(), 'hex'));
  // One APDU at a time, in order.
  let queue: Promise<unknown> = Promise.resolve();
  return {
    atr,
    capabilities: { extendedLength: false },
    transmit(command) {
      const result = queue.then(async () => {
        child.stdin.write(`${Buffer.from(command).toString('hex')}\n`);
        const line = await nextLine();
        if (line.startsWith('error')) throw new TokenError('transport-error', `SCardTransmit failed (${line}).`);
        return Uint8Array.from(Buffer.from(line, 'hex'));
      });
      queue = result.catch(() => {});
      return result;
    },
    async close() {
      child.stdin.end();
      await exited;
    },
  };
}
