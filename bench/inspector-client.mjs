// A minimal client for the V8 inspector of another Node process (the app, started with
// --inspect=127.0.0.1:0): enough WebSocket (RFC 6455) to send Chrome DevTools Protocol commands
// and read their answers. Node 20 has no WebSocket client, and we add no npm packages.
// The benchmark uses it to force a full GC in the app and read process.memoryUsage() there,
// without any measurement code inside the app.
import crypto from 'node:crypto';
import net from 'node:net';

/** The largest inspector message accepted (a memoryUsage() answer is well under 1 KB). */
export const MAX_MESSAGE_BYTES = 16 * 1024 * 1024;

/** The "Debugger listening on ws://…" address in a Node process's stderr text, or null. */
export function inspectorUrl(stderrText) {
  return /Debugger listening on (ws:\/\/\S+)/.exec(stderrText)?.[1] ?? null;
}

/** One client-to-server WebSocket frame: FIN, the opcode, masked payload (RFC 6455 §5.2-5.3). */
export function encodeFrame(payload, opcode = 1) {
  const mask = crypto.randomBytes(4);
  const len = payload.length;
  const head = len < 126 ? Buffer.alloc(2) : len < 65536 ? Buffer.alloc(4) : Buffer.alloc(10);
  head[0] = 0x80 | opcode;
  if (len < 126) head[1] = 0x80 | len;
  else if (len < 65536) {
    head[1] = 0x80 | 126;
    head.writeUInt16BE(len, 2);
  } else {
    head[1] = 0x80 | 127;
    head.writeBigUInt64BE(BigInt(len), 2);
  }
  const body = Buffer.from(payload);
  for (let i = 0; i < body.length; i++) body[i] ^= mask[i % 4];
  return Buffer.concat([head, mask, body]);
}

/**
 * Takes complete frames off the front of `buf`.
 * @returns {{ frames: { fin: boolean, opcode: number, payload: Buffer }[], rest: Buffer }}
 */
export function decodeFrames(buf) {
  const frames = [];
  let at = 0;
  for (;;) {
    if (buf.length - at < 2) break;
    const fin = (buf[at] & 0x80) !== 0;
    const opcode = buf[at] & 0x0f;
    const masked = (buf[at + 1] & 0x80) !== 0;
    let len = buf[at + 1] & 0x7f;
    let off = at + 2;
    if (len === 126) {
      if (buf.length - off < 2) break;
      len = buf.readUInt16BE(off);
      off += 2;
    } else if (len === 127) {
      if (buf.length - off < 8) break;
      const big = buf.readBigUInt64BE(off);
      if (big > BigInt(MAX_MESSAGE_BYTES)) throw new Error(`inspector frame of ${big} bytes is over the limit`);
      len = Number(big);
      off += 8;
    }
    if (len > MAX_MESSAGE_BYTES) throw new Error(`inspector frame of ${len} bytes is over the limit`);
    const maskKey = masked ? buf.subarray(off, off + 4) : null;
    if (masked) off += 4;
    if (buf.length - off < len) break;
    const payload = Buffer.from(buf.subarray(off, off + len));
    if (maskKey) for (let i = 0; i < payload.length; i++) payload[i] ^= maskKey[i % 4];
    frames.push({ fin, opcode, payload });
    at = off + len;
  }
  return { frames, rest: buf.subarray(at) };
}

/**
 * Connects to a DevTools WebSocket address and returns `send(method, params)` (resolves with the
 * command's result) and `close()`.
 */
export async function connectInspector(wsUrl, { timeoutMs = 30_000 } = {}) {
  const url = new URL(wsUrl);
  const socket = net.connect({ host: url.hostname, port: Number(url.port) });
  await new Promise((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('error', reject);
  });
  const key = crypto.randomBytes(16).toString('base64');
  socket.write(
    `GET ${url.pathname} HTTP/1.1\r\nHost: ${url.host}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
      `Sec-WebSocket-Key: ${key}\r\nSec-WebSocket-Version: 13\r\n\r\n`,
  );

  let buf = Buffer.alloc(0);
  let upgraded = false;
  let fragments = [];
  let nextId = 0;
  let failure = null;
  /** @type {Map<number, { resolve: (v: unknown) => void, reject: (e: Error) => void, timer: NodeJS.Timeout }>} */
  const pending = new Map();
  let onUpgrade;
  const upgradedPromise = new Promise((resolve, reject) => (onUpgrade = { resolve, reject }));

  const failAll = (e) => {
    failure ??= e;
    onUpgrade.reject(e);
    for (const p of pending.values()) {
      clearTimeout(p.timer);
      p.reject(e);
    }
    pending.clear();
  };

  const onMessage = (text) => {
    const msg = JSON.parse(text);
    const p = msg.id !== undefined ? pending.get(msg.id) : undefined;
    if (!p) return; // an event: not needed here
    pending.delete(msg.id);
    clearTimeout(p.timer);
    if (msg.error) p.reject(new Error(`inspector: ${msg.error.message}`));
    else p.resolve(msg.result);
  };

  socket.on('data', (chunk) => {
    try {
      buf = Buffer.concat([buf, chunk]);
      if (!upgraded) {
        const end = buf.indexOf('\r\n\r\n');
        if (end < 0) return;
        const head = buf.subarray(0, end).toString('latin1');
        const accept = crypto.createHash('sha1').update(`${key}258EAFA5-E914-47DA-95CA-C5AB0DC85B11`).digest('base64');
        if (!/^HTTP\/1\.1 101/.test(head) || !head.toLowerCase().includes(accept.toLowerCase())) {
          throw new Error(`the inspector refused the WebSocket upgrade: ${head.split('\r\n')[0]}`);
        }
        upgraded = true;
        buf = buf.subarray(end + 4);
        onUpgrade.resolve();
      }
      const { frames, rest } = decodeFrames(buf);
      buf = rest;
      for (const f of frames) {
        if (f.opcode === 8) return socket.end();
        if (f.opcode === 9) socket.write(encodeFrame(f.payload, 10)); // ping -> pong
        if (f.opcode !== 1 && f.opcode !== 0) continue;
        fragments.push(f.payload);
        if (!f.fin) continue;
        const text = Buffer.concat(fragments).toString('utf8');
        fragments = [];
        onMessage(text);
      }
    } catch (e) {
      failAll(e);
      socket.destroy();
    }
  });
  socket.on('error', failAll);
  socket.on('close', () => failAll(new Error('the inspector connection closed')));
  await upgradedPromise;

  return {
    send(method, params = {}) {
      if (failure) return Promise.reject(failure);
      const id = ++nextId;
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          pending.delete(id);
          reject(new Error(`inspector: ${method} got no answer within ${timeoutMs} ms`));
        }, timeoutMs);
        pending.set(id, { resolve, reject, timer });
        socket.write(encodeFrame(Buffer.from(JSON.stringify({ id, method, params }))));
      });
    },
    close() {
      if (!socket.destroyed) {
        socket.write(encodeFrame(Buffer.alloc(0), 8));
        socket.end();
      }
    },
  };
}

/**
 * Full GC in the inspected process, then its process.memoryUsage().
 * @returns {Promise<{ rss: number, heapTotal: number, heapUsed: number, external: number, arrayBuffers: number }>}
 */
export async function memoryAfterGc(inspector) {
  // Two passes: the first can leave objects that only become garbage after finalizers ran.
  await inspector.send('HeapProfiler.collectGarbage');
  await inspector.send('HeapProfiler.collectGarbage');
  const { result, exceptionDetails } = await inspector.send('Runtime.evaluate', {
    expression: 'JSON.stringify(process.memoryUsage())',
    returnByValue: true,
  });
  if (exceptionDetails) throw new Error(`inspector: memoryUsage() failed: ${exceptionDetails.text}`);
  return JSON.parse(result.value);
}
