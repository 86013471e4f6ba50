import { chromium } from '@playwright/test';
import http from 'node:http';
const hits = [];
const srv = http.createServer((q, s) => { hits.push(q.url); s.writeHead(404); s.end(); }).listen(7999);
const args = process.argv[2] ? [process.argv[2]] : [];
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args });
const context = await browser.newContext();
const page = await context.newPage();
const seen = [];
await context.route('**/*', (r) => { if (r.request().url().includes('7999')) seen.push('route ' + r.request().url().split('/').pop()); r.continue(); });
context.on('request', (r) => { if (r.url().includes('7999')) seen.push('event ' + r.url().split('/').pop()); });
await page.goto('http://127.0.0.1:7900/login');
const doc = (name) => `<!doctype html><html><head><meta http-equiv="Content-Security-Policy" content="default-src 'none'; img-src data: http:"></head><body><p>x</p><img src="http://127.0.0.1:7999/${name}.png"></body></html>`;
for (const [name, delay] of [['new', 0], ['late', 1]]) {
  await page.evaluate(async ([d, delay]) => {
    const g = document.createElement('iframe');
    g.setAttribute('sandbox', 'allow-popups allow-popups-to-escape-sandbox');
    if (!delay) g.setAttribute('srcdoc', d);
    document.body.appendChild(g);
    if (delay) { await new Promise((r) => setTimeout(r, 300)); g.setAttribute('srcdoc', d); }
  }, [doc(name), delay]);
  await page.waitForTimeout(1000);
}
console.log(args, 'server hits', hits, 'playwright saw', seen);
await browser.close(); srv.close();
