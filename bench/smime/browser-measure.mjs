// The Chromium figures: Debian's /usr/bin/chromium (never a downloaded browser), headless, driven
// by Playwright. The operations are bundled with esbuild (page-entry.ts) and served with the run's
// material from a loopback HTTP server, cross-origin isolated (fine-grained performance.now).
// Each operation of each implementation at each size gets a new browser context, so a renderer
// process of its own: its peak memory is that renderer's peak RSS (/proc, as in Node), WebCrypto's
// work included. The renderer is found by memory the page takes on purpose (CPU time would be
// unreliable on a loaded machine).
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { chromium } from '@playwright/test';

import { CHROMIUM } from '../browser-timings.mjs';
import { measureOperation } from './measure-loop.mjs';
import { parseStatus, procMemory } from './proc-memory.mjs';

const HERE = path.dirname(fileURLToPath(import.meta.url));
/** As the list benchmark's (playwright.config.ts), plus gc() in pages for the runs' full GCs. */
const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--js-flags=--expose-gc'];
const ISOLATED = { 'cross-origin-opener-policy': 'same-origin', 'cross-origin-embedder-policy': 'require-corp', 'cache-control': 'no-store' };
/** What the page allocates (and touches) so the driver can tell its renderer by RSS. */
const MARK_BYTES = 64 * 1024 * 1024;

/** page-entry.ts and what it imports, as one script for the page. */
export async function bundlePage() {
  const esbuild = await import('esbuild');
  const r = await esbuild.build({ entryPoints: [path.join(HERE, 'page-entry.ts')], bundle: true, format: 'iife', platform: 'browser', target: 'es2022', write: false, logLevel: 'silent' });
  return r.outputFiles[0].contents;
}

/** Serves the page, the bundle and the files of `dataDir` under /data/ on 127.0.0.1. */
export async function startServer({ dataDir, bundle }) {
  const root = path.resolve(dataDir);
  const server = http.createServer((req, res) => {
    const { pathname } = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (pathname === '/') {
      res.writeHead(200, { ...ISOLATED, 'content-type': 'text/html; charset=utf-8' });
      res.end('<!doctype html><meta charset="utf-8"><title>S/MIME bench</title><script src="/bundle.js"></script>');
      return;
    }
    if (pathname === '/bundle.js') {
      res.writeHead(200, { ...ISOLATED, 'content-type': 'text/javascript' });
      res.end(bundle);
      return;
    }
    const file = pathname.startsWith('/data/') ? path.resolve(root, decodeURIComponent(pathname.slice('/data/'.length))) : '';
    if (!file.startsWith(root + path.sep) || !fs.statSync(file, { throwIfNoEntry: false })?.isFile()) {
      res.writeHead(404, ISOLATED);
      res.end();
      return;
    }
    res.writeHead(200, { ...ISOLATED, 'content-type': 'application/octet-stream', 'content-length': fs.statSync(file).size });
    fs.createReadStream(file).pipe(res);
  });
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  return {
    url: `http://127.0.0.1:${server.address().port}/`,
    close: () => {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

export function launchBrowser() {
  // The benchmark handles Ctrl-C itself and closes the browser in its clean-up.
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, handleSIGINT: false, handleSIGTERM: false, handleSIGHUP: false });
}

/**
 * The renderer whose RSS grew by at least `minBytes` between two readings (pid -> bytes).
 * @param {Map<number, number>} before
 * @param {Map<number, number>} after
 */
export function grownRenderer(before, after, minBytes) {
  const grown = [...after].filter(([pid, rss]) => rss - (before.get(pid) ?? 0) >= minBytes);
  if (grown.length !== 1) throw new Error(`${grown.length} renderer processes grew by ${minBytes} bytes while the page allocated them; expected one`);
  return grown[0][0];
}

/** VmRSS of every renderer process of the browser, by pid. */
async function rendererRss(cdp) {
  const { processInfo } = await cdp.send('SystemInfo.getProcessInfo');
  const rss = new Map();
  for (const p of processInfo) {
    if (p.type !== 'renderer') continue;
    const status = fs.readFileSync(`/proc/${p.id}/status`, { encoding: 'utf8', flag: 'r' });
    rss.set(p.id, parseStatus(status).rss);
  }
  return rss;
}

/**
 * One operation of one implementation at one size, in a new context of `browser`.
 * @returns {Promise<{ firstMs: number, ms: number[], baselineBytes: number, peakBytes: number }>}
 */
export async function measureInChromium({ browser, url, size, implementation, operation, repeats }) {
  const cdp = await browser.newBrowserCDPSession();
  const context = await browser.newContext();
  try {
    const page = await context.newPage();
    await page.goto(url);
    if (!(await page.evaluate(() => globalThis.crossOriginIsolated))) throw new Error('the bench page is not cross-origin isolated');
    await page.evaluate(([i, s, o]) => globalThis.smimeBench.load(i, s, o), [implementation, size, operation]);
    const before = await rendererRss(cdp);
    await page.evaluate((n) => globalThis.smimeBench.mark(n), MARK_BYTES);
    const renderer = grownRenderer(before, await rendererRss(cdp), MARK_BYTES * 0.75);
    await page.evaluate(() => globalThis.smimeBench.mark(0));
    const result = await measureOperation({
      repeats,
      warmUp: () => page.evaluate(() => globalThis.smimeBench.warmUp()),
      run: (check) => page.evaluate((c) => globalThis.smimeBench.run(c), check),
      gc: () => page.evaluate(() => {
        globalThis.gc();
        globalThis.gc();
      }),
      memory: procMemory(renderer),
    });
    return { ...result, renderer };
  } finally {
    await context.close();
    await cdp.detach().catch(() => {});
  }
}
