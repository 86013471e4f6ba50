import { randomUUID } from 'node:crypto';

import { expect, test } from '@playwright/test';

import { signIn } from '../support/login';
import { appendMessage, buildMessage, samplePdf, samplePng } from '../support/mailbox';

// The reader tests put their own messages into peggy's Inbox (newest, so first in the list);
// peggy is the reader area's mailbox-only test user.
test.describe.configure({ mode: 'serial' });

const from = { name: 'Zoë Ünal', address: 'zoe@unal.example' };
const USER = 'peggy';
const to = [{ name: 'Peggy Reader', address: 'peggy@sealpost.test' }];

test('opening a message shows its headers and text, and marks it read', async ({ page }) => {
  const subject = `Plain ${randomUUID()}`;
  await appendMessage(USER, await buildMessage({ from, to, subject, date: new Date(), text: 'Grüße aus dem Testlauf.\nZweite Zeile.' }));
  await signIn(page, USER);
  const inbox = page.getByRole('treeitem', { name: /^Inbox/ });
  const unreadBefore = Number((await inbox.getAttribute('aria-label'))?.match(/(\d+) unread/)?.[1] ?? 0);
  const row = page.getByRole('option', { name: new RegExp(subject) });
  await expect(row.getByRole('img', { name: 'Unread' })).toBeVisible();
  await row.click();

  const reader = page.getByRole('region', { name: 'Reading pane' });
  await expect(reader.getByRole('heading', { name: subject })).toBeVisible();
  await expect(reader.getByText('Zoë Ünal <zoe@unal.example>')).toBeVisible();
  await expect(page.frameLocator('iframe[title="Message body"]').getByText('Grüße aus dem Testlauf.')).toBeVisible();
  await expect(row.getByRole('img', { name: 'Unread' })).toHaveCount(0);
  await expect(inbox).toHaveAttribute('aria-label', unreadBefore > 1 ? `Inbox, ${unreadBefore - 1} unread` : 'Inbox');

  // The server kept it: after a reload the row is still read.
  await page.reload();
  await expect(page.getByRole('option', { name: new RegExp(subject) }).getByRole('img', { name: 'Unread' })).toHaveCount(0);
});

test('hostile HTML runs nothing and loads nothing until remote images are allowed', async ({ page }) => {
  const subject = `Hostile ${randomUUID()}`;
  const html = `<p id="visible">Newsletter body</p>
<script>document.title='pwned'; fetch('http://127.0.0.1:9/script')</script>
<img src="http://127.0.0.1:9/pixel.png" onerror="fetch('http://127.0.0.1:9/onerror')">
<div style="background:url(http://127.0.0.1:9/css-bg)">styled</div>
<style>@import url(http://127.0.0.1:9/import.css); p{background:url('http://127.0.0.1:9/style-bg')}</style>
<meta http-equiv="refresh" content="0;url=http://127.0.0.1:9/refresh">
<form action="http://127.0.0.1:9/form"><input name="q"><button>Go</button></form>
<svg><script>fetch('http://127.0.0.1:9/svg-script')</script><image href="http://127.0.0.1:9/svg-image"/></svg>
<iframe src="http://127.0.0.1:9/frame"></iframe>
<a href="javascript:alert(1)">js link</a>
<style>@font-face{font-family:x;src:url(http://127.0.0.1:9/x-font.woff)} body{font-family:x}</style>
<link rel="stylesheet" href="http://127.0.0.1:9/x-link.css">
<object data="http://127.0.0.1:9/x-object"></object><embed src="http://127.0.0.1:9/x-embed">
<base href="http://127.0.0.1:9/x-base/"><img src="relative.png" alt="relative">
<svg onload="fetch('http://127.0.0.1:9/x-svg-onload')"><use href="http://127.0.0.1:9/x-use.svg#a"/><a href="javascript:fetch('http://127.0.0.1:9/x-svg-link')"><text>t</text></a></svg>
<video poster="http://127.0.0.1:9/x-poster" src="http://127.0.0.1:9/x-video"></video><audio src="http://127.0.0.1:9/x-audio"></audio>
<table background="http://127.0.0.1:9/x-table-bg"><tr><td>cell</td></tr></table>
<img srcset="http://127.0.0.1:9/x-srcset.png 1x" alt="srcset">
<input type="image" src="http://127.0.0.1:9/x-input-image">`;
  await appendMessage(USER, await buildMessage({ from, to, subject, date: new Date(), html }));
  await signIn(page, USER);

  // Every request the page makes from here on: only the app itself (and data:/blob:) may be asked.
  const remote: string[] = [];
  const origin = new URL(page.url()).origin;
  page.on('request', (r) => {
    const url = r.url();
    if (!url.startsWith(`${origin}/`) && !/^(data|blob|about):/.test(url)) remote.push(url);
  });
  await page.getByRole('option', { name: new RegExp(subject) }).click();
  const frame = page.frameLocator('iframe[title="Message body"]');
  await expect(frame.locator('#visible')).toHaveText('Newsletter body');
  await expect(frame.locator('script, form, input, iframe, meta[http-equiv="refresh" i], link, object, embed, base, video, audio, use')).toHaveCount(0);
  await expect(frame.locator('[onload], [onerror]')).toHaveCount(0);
  await expect(frame.locator('a[href^="javascript"]')).toHaveCount(0);
  await expect(page.locator('iframe[title="Message body"]')).toHaveAttribute('sandbox', 'allow-popups allow-popups-to-escape-sandbox');
  await expect(page.getByRole('status').filter({ hasText: 'Remote images in this message were blocked' })).toBeVisible();
  await page.waitForTimeout(500);
  expect(remote).toEqual([]);
  expect(await page.title()).not.toBe('pwned');

  // Only after the user asks: images may load (the script, the form and the rest stay gone).
  // The frame's CSP then allows http(s) images, nothing else.
  await page.getByRole('button', { name: 'Show remote images' }).click();
  await expect.poll(() => remote.some((u) => u.endsWith('/pixel.png'))).toBe(true);
  await page.waitForTimeout(500);
  expect(remote.filter((u) => /script|onerror|refresh|form|frame|import|x-(?!srcset|table-bg)/.test(u))).toEqual([]);
});

test('a style sheet at the very start of an HTML message is kept', async ({ page }) => {
  const subject = `Styled ${randomUUID()}`;
  const html = '<style>#styled { color: rgb(1, 2, 3); }</style><p id="styled">Styled text</p>';
  await appendMessage(USER, await buildMessage({ from, to, subject, date: new Date(), html }));
  await signIn(page, USER);
  await page.getByRole('option', { name: new RegExp(subject) }).click();
  const p = page.frameLocator('iframe[title="Message body"]').locator('#styled');
  await expect(p).toHaveText('Styled text');
  await expect(p).toHaveCSS('color', 'rgb(1, 2, 3)');
});

test('attachments are listed with type and size and download with their exact bytes; cid: images show inline', async ({ page }) => {
  const subject = `Attachments ${randomUUID()}`;
  const csv = Buffer.from('Monat,Umsatz\r\nJänner,1200\r\n', 'utf8');
  await appendMessage(
    USER,
    await buildMessage({
      from,
      to,
      subject,
      date: new Date(),
      html: '<p>Chart: <img id="chart" src="cid:chart@test" alt="chart"></p>',
      attachments: [
        { filename: 'Bericht Größe.csv', contentType: 'text/csv', content: csv },
        { filename: 'chart.png', contentType: 'image/png', content: await samplePng(20, 10), cid: 'chart@test' },
      ],
    }),
  );
  await signIn(page, USER);
  await page.getByRole('option', { name: new RegExp(subject) }).click();
  const attachments = page.getByRole('list', { name: 'Attachments' });
  await expect(attachments.getByRole('listitem')).toHaveCount(1);
  await expect(attachments).toContainText('Bericht Größe.csv');
  await expect(attachments).toContainText(`text/csv, ${csv.length} B`);

  const download = page.waitForEvent('download');
  await attachments.getByRole('link', { name: 'Download Bericht Größe.csv' }).click();
  const file = await download;
  expect(file.suggestedFilename()).toBe('Bericht Größe.csv');
  const path = await file.path();
  const { readFileSync } = await import('node:fs');
  expect(readFileSync(path).equals(csv)).toBe(true);

  const img = page.frameLocator('iframe[title="Message body"]').locator('#chart');
  await expect(img).toHaveAttribute('src', /^data:image\/png;base64,/);
  await expect.poll(() => img.evaluate((el) => (el as HTMLImageElement).naturalWidth)).toBe(20);
});

test('images and PDFs open in a preview dialog; SVG is not previewed', async ({ page }) => {
  const subject = `Preview ${randomUUID()}`;
  const pdf = await samplePdf('Quarterly report');
  const svg = '<svg xmlns="http://www.w3.org/2000/svg" onload="fetch(\'http://127.0.0.1:9/svg\')"><script>fetch("http://127.0.0.1:9/svg2")</script></svg>';
  await appendMessage(
    USER,
    await buildMessage({
      from,
      to,
      subject,
      date: new Date(),
      text: 'Files attached.',
      attachments: [
        { filename: 'photo.png', contentType: 'image/png', content: await samplePng(40, 30) },
        { filename: 'report.pdf', contentType: 'application/pdf', content: pdf },
        { filename: 'drawing.svg', contentType: 'image/svg+xml', content: svg },
      ],
    }),
  );
  await signIn(page, USER);
  await page.getByRole('option', { name: new RegExp(subject) }).click();
  const attachments = page.getByRole('list', { name: 'Attachments' });
  await expect(attachments.getByRole('listitem')).toHaveCount(3);
  await expect(attachments.getByRole('button', { name: 'Preview drawing.svg' })).toHaveCount(0);

  // An image: drawn from a blob: URL, Esc closes and focus returns to its button.
  const previewPng = attachments.getByRole('button', { name: 'Preview photo.png' });
  await previewPng.click();
  const imageDialog = page.getByRole('dialog', { name: 'photo.png' });
  await expect(imageDialog).toBeVisible();
  const img = imageDialog.getByRole('img', { name: 'photo.png' });
  await expect(img).toHaveAttribute('src', /^blob:/);
  await expect.poll(() => img.evaluate((el) => (el as HTMLImageElement).naturalWidth)).toBe(40);
  await page.keyboard.press('Escape');
  await expect(imageDialog).toHaveCount(0);
  await expect(previewPng).toBeFocused();

  // A PDF: handed to the browser's viewer as application/pdf from a blob: URL holding the exact bytes.
  await attachments.getByRole('button', { name: 'Preview report.pdf' }).click();
  const pdfDialog = page.getByRole('dialog', { name: 'report.pdf' });
  await expect(pdfDialog).toBeVisible();
  const object = pdfDialog.locator('object[type="application/pdf"]');
  await expect(object).toHaveAttribute('data', /^blob:/);
  const bytes = await object.evaluate(async (el) => Array.from(new Uint8Array(await (await fetch((el as HTMLObjectElement).data)).arrayBuffer())));
  expect(Buffer.from(bytes).equals(pdf)).toBe(true);
  // Chromium (headless too) draws it with its built-in PDF viewer, an extension frame inside the object.
  await expect.poll(() => page.frames().some((f) => f.url().startsWith('chrome-extension://mhjfbmdgcfjbbpaeojofohoefgiehjai/'))).toBe(true);
  await pdfDialog.getByRole('button', { name: 'Close' }).click();
  await expect(pdfDialog).toHaveCount(0);
});

test('the full-window reader covers the mail view and leaves with Back to list or Esc', async ({ page }) => {
  const subject = `Full window ${randomUUID()}`;
  await appendMessage(USER, await buildMessage({ from, to, subject, date: new Date(), text: 'Read me big.' }));
  await signIn(page, USER);
  await page.getByRole('option', { name: new RegExp(subject) }).click();
  const open = page.getByRole('button', { name: 'Open in full window' });
  await open.click();
  const full = page.getByRole('region', { name: subject });
  await expect(full).toBeVisible();
  await expect(full).toBeFocused();
  const box = await full.boundingBox();
  const viewport = page.viewportSize()!;
  expect(box).toMatchObject({ x: 0, y: 0, width: viewport.width, height: viewport.height });
  await expect(page.frameLocator('iframe[title="Message body"]').getByText('Read me big.')).toBeVisible();
  await full.getByRole('button', { name: 'Back to list' }).click();
  await expect(full).toHaveCount(0);
  await expect(open).toBeFocused();

  await open.click();
  await expect(full).toBeVisible();
  await page.keyboard.press('Escape');
  await expect(full).toHaveCount(0);
  await expect(page.getByRole('listbox', { name: 'Messages' })).toBeVisible();
});
