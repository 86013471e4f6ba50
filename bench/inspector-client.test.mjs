import { spawn } from 'node:child_process';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { MAX_MESSAGE_BYTES, connectInspector, decodeFrames, encodeFrame, inspectorUrl, memoryAfterGc } from './inspector-client.mjs';

describe('WebSocket frames', () => {
  it('round-trips short, 16-bit and 64-bit lengths through mask and unmask', () => {
    for (const n of [0, 5, 125, 126, 65535, 65536, 70000]) {
      const payload = Buffer.alloc(n, 'x');
      const { frames, rest } = decodeFrames(encodeFrame(payload));
      expect(frames).toHaveLength(1);
      expect(frames[0].fin).toBe(true);
      expect(frames[0].opcode).toBe(1);
      expect(frames[0].payload.equals(payload)).toBe(true);
      expect(rest.length).toBe(0);
    }
  });

  it('keeps an incomplete frame for later', () => {
    const whole = encodeFrame(Buffer.from('hello'));
    const { frames, rest } = decodeFrames(whole.subarray(0, whole.length - 1));
    expect(frames).toHaveLength(0);
    expect(rest.length).toBe(whole.length - 1);
  });

  it('refuses a frame over the size limit', () => {
    const head = Buffer.alloc(10);
    head[0] = 0x81;
    head[1] = 127;
    head.writeBigUInt64BE(BigInt(MAX_MESSAGE_BYTES + 1), 2);
    expect(() => decodeFrames(head)).toThrow(/over the limit/);
  });

  it('finds the inspector address in stderr', () => {
    expect(inspectorUrl('Debugger listening on ws://127.0.0.1:9229/abc-def\nFor help')).toBe('ws://127.0.0.1:9229/abc-def');
    expect(inspectorUrl('nothing here')).toBeNull();
  });
});

describe('a real inspected Node process', () => {
  let child;
  let url;
  beforeAll(async () => {
    // Holds 20 MB until asked to drop it, so the test can see a GC free memory.
    child = spawn(process.execPath, ['--inspect=127.0.0.1:0', '-e', 'globalThis.big = Array.from({ length: 200 }, () => new Array(12500).fill(Math.random())); setInterval(() => {}, 1000);'], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let err = '';
    url = await new Promise((resolve, reject) => {
      child.stderr.on('data', (c) => {
        err += c;
        const u = inspectorUrl(err);
        if (u) resolve(u);
      });
      child.once('exit', () => reject(new Error(`child exited: ${err}`)));
    });
  });
  afterAll(() => child?.kill());

  it('reads memory after a full GC and sees freed memory go', async () => {
    const inspector = await connectInspector(url);
    try {
      const before = await memoryAfterGc(inspector);
      expect(before.heapUsed).toBeGreaterThan(15e6);
      await inspector.send('Runtime.evaluate', { expression: 'globalThis.big = null' });
      const after = await memoryAfterGc(inspector);
      expect(before.heapUsed - after.heapUsed).toBeGreaterThan(15e6);
      await expect(inspector.send('No.such')).rejects.toThrow(/inspector/);
    } finally {
      inspector.close();
    }
  });
});
