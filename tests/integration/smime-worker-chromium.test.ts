// lib/smime-worker in real Chromium (Debian's /usr/bin/chromium, as the bench and e2e use): the
// page and the worker entry are bundled with esbuild like bench/smime's page, and a 5 MB message
// is signed and encrypted once in a real Web Worker and once in the page's thread. While the work
// runs, a timer chain measures the main thread's availability; in the worker it must stay a small
// fraction of what the in-thread run costs (a ratio, so a slow machine does not fail it).
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';

import { type Browser, chromium } from '@playwright/test';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { Material, RunResult } from '../support/smime-worker-page';
import { type TestPki, createTestPki } from '../support/test-pki';

const ROOT = path.resolve(__dirname, '../..');
const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

let pki: TestPki;
let server: http.Server;
let url: string;
let browser: Browser;
let material: Material;

async function bundle(entry: string, format: 'iife' | 'esm'): Promise<Uint8Array> {
  const esbuild = await import('esbuild');
  // esbuild reads tsconfig.json's paths, so '@/lib/...' resolves as in the app.
  const result = await esbuild.build({ entryPoints: [path.join(ROOT, entry)], bundle: true, format, platform: 'browser', target: 'es2022', write: false, logLevel: 'silent' });
  return result.outputFiles[0]!.contents;
}

beforeAll(async () => {
  pki = createTestPki('sealpost-smime-worker-chromium-');
  const alice = pki.issue({ name: 'alice', key: 'rsa-2048', email: 'alice@example.com' });
  const bob = pki.issue({ name: 'bob', key: 'rsa-2048', email: 'bob@example.org' });
  const b64 = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64');
  material = {
    root: b64(pki.root.certDer),
    alice: { certificate: b64(alice.certDer), pkcs8: b64(alice.keyPkcs8) },
    bob: { certificate: b64(bob.certDer), pkcs8: b64(bob.keyPkcs8) },
  };

  const [page, worker] = await Promise.all([bundle('tests/support/smime-worker-page.ts', 'iife'), bundle('lib/smime-worker/smime.worker.ts', 'esm')]);
  server = http.createServer((req, res) => {
    const body = req.url === '/' ? '<!doctype html><meta charset="utf-8"><title>smime-worker</title><script src="/page.js"></script>' : req.url === '/page.js' ? page : req.url === '/smime-worker.js' ? worker : null;
    if (body === null) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': req.url === '/' ? 'text/html; charset=utf-8' : 'text/javascript', 'cache-control': 'no-store' }).end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
}, 120_000);

afterAll(async () => {
  await browser?.close();
  server?.closeAllConnections();
  await new Promise((resolve) => server?.close(resolve));
  pki?.cleanup();
});

async function runIn(mode: 'worker' | 'in-thread'): Promise<RunResult> {
  const context = await browser.newContext();
  try {
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    await page.goto(url);
    const result = await page.evaluate(([m, mat]) => (globalThis as unknown as { smimeWorkerCheck: { run(mode: string, material: Material): Promise<RunResult> } }).smimeWorkerCheck.run(m, mat), [mode, material] as const);
    expect(errors).toEqual([]);
    return result;
  } finally {
    await context.close();
  }
}

describe('lib/smime-worker in Chromium', () => {
  it('signs and encrypts 5 MB in a Web Worker while the main thread stays responsive', async () => {
    const inThread = await runIn('in-thread');
    const inWorker = await runIn('worker');
    console.info(
      `5 MB sign+encrypt: in-thread ${inThread.ms.toFixed(0)} ms, max timer lag ${inThread.maxLagMs.toFixed(0)} ms; ` +
        `worker ${inWorker.ms.toFixed(0)} ms, max timer lag ${inWorker.maxLagMs.toFixed(0)} ms`,
    );

    for (const run of [inThread, inWorker]) {
      expect(run.outputBytes).toBeGreaterThan(5_000_000);
      expect(run.readBack).toEqual({ encrypted: true, signed: true, chain: 'trusted', attachmentBytes: 3_800_000 });
      expect(run.phases).toEqual(['parsing', 'signing', 'encrypting']);
      // The private key stayed in the page: its one signature was made there.
      expect(run.signCallsInPage).toBe(1);
    }
    // The in-thread run really blocks the page (else the comparison proves nothing) ...
    expect(inThread.maxLagMs).toBeGreaterThan(inThread.ms / 10);
    // ... and the worker run leaves it free: its worst timer delay is a small part of both.
    expect(inWorker.maxLagMs).toBeLessThan(inThread.maxLagMs / 4);
    expect(inWorker.maxLagMs).toBeLessThan(inWorker.ms / 4);
    expect(inWorker.ticks).toBeGreaterThan(inThread.ticks);
  }, 180_000);
});
