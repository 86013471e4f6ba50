// Puts a SimulatedCard into a vpcd reader, as vsmartcard's vicc does: vpcd (a pcscd driver)
// listens on its TCP port, the card connects. Wire format (vsmartcard vpcd.c): each message is a
// u16 big-endian length and a payload; a 1-byte payload is a control code (0 power off, 1 power on,
// 2 reset, 4 get ATR: answered with the ATR), anything longer a C-APDU answered with the R-APDU.
import net from 'node:net';

import type { SimulatedCard } from '@/lib/webusb-token/transport';

const CONTROL = { powerOff: 0, powerOn: 1, reset: 2, getAtr: 4 } as const;

export interface VpcdCard {
  /** Resolves once pcscd powered the card (it then counts as inserted for clients). */
  powered: Promise<void>;
  /** Every C-APDU and R-APDU so far, hex, for failure messages. */
  trace(): string[];
  /** Disconnects: to pcscd the card is removed. */
  close(): Promise<void>;
}

export interface AttachOptions {
  host?: string;
  /** How long to keep trying to reach vpcd (it listens once pcscd loaded it); default 10 s. */
  connectTimeoutMs?: number;
  /** Trace entries kept; default 2000. */
  traceLimit?: number;
}

const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex').toUpperCase();

async function connectWithRetry(host: string, port: number, deadline: number): Promise<net.Socket> {
  for (;;) {
    try {
      return await new Promise<net.Socket>((resolve, reject) => {
        const socket = net.connect({ host, port }, () => resolve(socket));
        socket.once('error', reject);
      });
    } catch (error) {
      if (Date.now() > deadline) throw new Error(`vpcd does not answer on ${host}:${port}: ${String(error)}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}

export async function attachCardToVpcd(card: SimulatedCard, port: number, options: AttachOptions = {}): Promise<VpcdCard> {
  const host = options.host ?? '127.0.0.1';
  const socket = await connectWithRetry(host, port, Date.now() + (options.connectTimeoutMs ?? 10000));
  socket.setNoDelay(true);
  const traceLimit = options.traceLimit ?? 2000;
  const trace: string[] = [];
  const note = (line: string) => {
    trace.push(line);
    if (trace.length > traceLimit) trace.shift();
  };

  let markPowered: () => void = () => {};
  const powered = new Promise<void>((resolve) => (markPowered = resolve));

  const send = (payload: Uint8Array) => {
    const frame = Buffer.alloc(2 + payload.length);
    frame.writeUInt16BE(payload.length, 0);
    frame.set(payload, 2);
    socket.write(frame);
  };

  const handle = async (payload: Uint8Array) => {
    if (payload.length === 1) {
      const code = payload[0];
      if (code === CONTROL.getAtr) send(card.atr());
      else if (code === CONTROL.powerOn || code === CONTROL.reset) {
        card.reset();
        if (code === CONTROL.powerOn) markPowered();
      } else if (code === CONTROL.powerOff) card.reset();
      return;
    }
    note(`> ${hex(payload)}`);
    const response = await card.transmit(payload);
    note(`< ${hex(response)}`);
    send(response);
  };

  // Frames are handled one at a time, in order: vpcd waits for each answer anyway.
  let buffered = Buffer.alloc(0);
  let queue = Promise.resolve();
  socket.on('data', (chunk: Buffer) => {
    buffered = Buffer.concat([buffered, chunk]);
    while (buffered.length >= 2) {
      const length = buffered.readUInt16BE(0);
      if (buffered.length < 2 + length) break;
      const payload = new Uint8Array(buffered.subarray(2, 2 + length));
      buffered = buffered.subarray(2 + length);
      queue = queue.then(() => handle(payload)).catch((error: unknown) => {
        note(`! ${String(error)}`);
        socket.destroy();
      });
    }
  });
  socket.on('error', (error) => note(`! ${String(error)}`));

  const close = () =>
    new Promise<void>((resolve) => {
      if (socket.destroyed) resolve();
      else {
        socket.once('close', () => resolve());
        socket.end();
        setTimeout(() => socket.destroy(), 1000).unref();
      }
    });

  return { powered, trace: () => [...trace], close };
}
