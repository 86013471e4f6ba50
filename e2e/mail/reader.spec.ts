import { randomUUID } from 'node:crypto';

import { expect, test } from '@playwright/test';

import { signIn } from '../support/login';
import { appendMessage, buildMessage, samplePng } from '../support/mailbox';

// The reader tests put their own messages into erin's Inbox (newest, so first in the list).
test.describe.configure({ mode: 'serial' });

const from = { name: 'Zoë Ünal', address: 'zoe@unal.example' };
const to = [{ name: 'Erin Expired', address: 'erin@sealpost.test' }];

test('opening a message shows its headers and text, and marks it read', async ({ page }) => {
  const subject = `Plain ${randomUUID()}`;
  await appendMessage('erin', await buildMessage({ from, to, subject, date: new Date(), text: 'Grüße aus dem Testlauf.\nZweite Zeile.' }));
  await signIn(page, 'erin');
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
<a href="javascript:alert(1)">js link</a>`;
  await appendMessage('erin', await buildMessage({ from, to, subject, date: new Date(), html }));
  await signIn(page, 'erin');

  const remote: string[] = [];
  page.on('request', (r) => {
    if (r.url().includes('127.0.0.1:9')) remote.push(r.url());
  });
  await page.getByRole('option', { name: new RegExp(subject) }).click();
  const frame = page.frameLocator('iframe[title="Message body"]');
  await expect(frame.locator('#visible')).toHaveText('Newsletter body');
  await expect(frame.locator('script, form, input, iframe, meta[http-equiv="refresh" i]')).toHaveCount(0);
  await expect(frame.locator('a[href^="javascript"]')).toHaveCount(0);
  await expect(page.locator('iframe[title="Message body"]')).toHaveAttribute('sandbox', 'allow-popups allow-popups-to-escape-sandbox');
  await expect(page.getByRole('status').filter({ hasText: 'Remote images in this message were blocked' })).toBeVisible();
  await page.waitForTimeout(500);
  expect(remote).toEqual([]);
  expect(await page.title()).not.toBe('pwned');

  // Only after the user asks: images may load (the script, the form and the rest stay gone).
  await page.getByRole('button', { name: 'Show remote images' }).click();
  await expect.poll(() => remote.some((u) => u.endsWith('/pixel.png'))).toBe(true);
  expect(remote.filter((u) => /script|onerror|refresh|form|frame|import/.test(u))).toEqual([]);
});

test('attachments are listed with type and size and download with their exact bytes; cid: images show inline', async ({ page }) => {
  const subject = `Attachments ${randomUUID()}`;
  const csv = Buffer.from('Monat,Umsatz\r\nJänner,1200\r\n', 'utf8');
  await appendMessage(
    'erin',
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
  await signIn(page, 'erin');
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
