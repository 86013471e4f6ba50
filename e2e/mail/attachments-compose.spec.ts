import { createHash, randomBytes, randomUUID } from 'node:crypto';

import { expect, test } from '@playwright/test';
import PostalMime from 'postal-mime';

import { waitForMessages } from '../support/imap-read';
import { signIn } from '../support/login';

// Attachments: the file picker, drag and drop, the size limit, and a 20 MB upload with progress.

const sha = (b: Uint8Array | ArrayBuffer) => createHash('sha256').update(new Uint8Array(b)).digest('hex');

async function openComposer(page: import('@playwright/test').Page) {
  await signIn(page, 'judy');
  await page.getByRole('button', { name: 'New message' }).click();
  return page.getByRole('dialog', { name: 'New message' });
}

test('files from the picker and by drag and drop are listed, removable and arrive intact', async ({ page }) => {
  const subject = `Files ${randomUUID()}`;
  const dialog = await openComposer(page);
  const chooser = page.waitForEvent('filechooser');
  await dialog.getByRole('button', { name: 'Attach files' }).click();
  const data = randomBytes(3000);
  await (await chooser).setFiles([
    { name: 'Größe.bin', mimeType: 'application/octet-stream', buffer: data },
    { name: 'unwanted.txt', mimeType: 'text/plain', buffer: Buffer.from('no') },
  ]);
  const list = dialog.getByRole('list', { name: 'Attached files' });
  await expect(list.getByRole('listitem')).toHaveText(['Größe.bin (2.9 KB) ×', 'unwanted.txt (2 B) ×']);
  await dialog.getByRole('button', { name: 'Remove unwanted.txt' }).click();

  const transfer = await page.evaluateHandle(() => {
    const dt = new DataTransfer();
    dt.items.add(new File(['dropped text'], 'dropped.txt', { type: 'text/plain' }));
    return dt;
  });
  const form = dialog.getByRole('form', { name: 'New message' });
  await form.dispatchEvent('dragover', { dataTransfer: transfer });
  await form.dispatchEvent('drop', { dataTransfer: transfer });
  await expect(list.getByRole('listitem')).toHaveText(['Größe.bin (2.9 KB) ×', 'dropped.txt (12 B) ×']);

  await dialog.getByLabel('To', { exact: true }).fill('mallory@sealpost.test');
  await dialog.getByLabel('Subject', { exact: true }).fill(subject);
  await dialog.getByRole('button', { name: 'Send' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Message sent.' })).toBeVisible();

  const [got] = await waitForMessages('mallory', 'INBOX', subject);
  const m = await PostalMime.parse(got!.source, { attachmentEncoding: 'arraybuffer' });
  expect(m.attachments.map((a) => a.filename)).toEqual(['Größe.bin', 'dropped.txt']);
  expect(sha(m.attachments[0]!.content as ArrayBuffer)).toBe(sha(data));
  expect(new TextDecoder().decode(m.attachments[1]!.content as ArrayBuffer)).toBe('dropped text');
});

test('attachments over the total limit are refused with a clear message', async ({ page }) => {
  test.setTimeout(90_000);
  const dialog = await openComposer(page);
  const chooser = page.waitForEvent('filechooser');
  await dialog.getByRole('button', { name: 'Attach files' }).click();
  await (await chooser).setFiles([{ name: 'huge.bin', mimeType: 'application/octet-stream', buffer: Buffer.alloc(26 * 1024 * 1024) }]);
  await expect(dialog.getByRole('alert')).toHaveText('Attachments can be at most 25.0 MB in all. Not attached: huge.bin (26.0 MB).');
  await expect(dialog.getByRole('list', { name: 'Attached files' })).toHaveCount(0);
});

test('a 20 MB attachment uploads with a progress bar and arrives byte for byte', async ({ page }) => {
  test.setTimeout(180_000);
  const subject = `Big ${randomUUID()}`;
  const dialog = await openComposer(page);
  const big = randomBytes(20 * 1024 * 1024);
  const chooser = page.waitForEvent('filechooser');
  await dialog.getByRole('button', { name: 'Attach files' }).click();
  await (await chooser).setFiles([{ name: 'big.bin', mimeType: 'application/octet-stream', buffer: big }]);
  await expect(dialog.getByRole('list', { name: 'Attached files' })).toContainText('big.bin (20.0 MB)');
  await dialog.getByLabel('To', { exact: true }).fill('mallory@sealpost.test');
  await dialog.getByLabel('Subject', { exact: true }).fill(subject);
  // The loopback is fast: throttle uploads to 10 MB/s (about 4 s for this message) so the bar is seen.
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Network.enable');
  await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: 10 * 1024 * 1024 });
  await dialog.getByRole('button', { name: 'Send' }).click();
  await expect(dialog.getByRole('progressbar', { name: 'Upload progress' })).toBeVisible();
  await expect(page.getByRole('status').filter({ hasText: 'Message sent.' })).toBeVisible({ timeout: 120_000 });

  const [got] = await waitForMessages('mallory', 'INBOX', subject, 1, 60_000);
  const m = await PostalMime.parse(got!.source, { attachmentEncoding: 'arraybuffer' });
  expect(sha(m.attachments[0]!.content as ArrayBuffer)).toBe(sha(big));
});
