import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';

import { type Request, expect, test } from '@playwright/test';

import { signIn } from '../support/login';
import { appendMessage, buildMessage } from '../support/mailbox';

// A message with a 25 MB attachment, in rupert's Inbox (a reader-area test user): its text shows
// without the attachment crossing the wire; the attachment comes only when downloaded.
const USER = 'rupert';
const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

test('a message with a 25 MB attachment shows its text quickly and fetches the attachment only on Download', async ({ page }) => {
  test.setTimeout(180_000);
  const subject = `Large ${randomUUID()}`;
  const big = randomBytes(25 * 1024 * 1024);
  await appendMessage(
    USER,
    await buildMessage({
      from: { name: 'Big Sender', address: 'big@example.com' },
      to: `${USER}@sealpost.test`,
      subject,
      date: new Date(),
      text: 'The text of a message with a very large attachment.',
      attachments: [{ filename: 'archive.bin', contentType: 'application/octet-stream', content: big }],
    }),
  );
  await signIn(page, USER);

  // Every API answer about messages, with the bytes of its body as they crossed the wire.
  const transfers: { url: string; bytes: number }[] = [];
  const record = async (r: Request) => {
    if (!r.url().includes('/api/messages/')) return;
    transfers.push({ url: r.url(), bytes: (await r.sizes()).responseBodySize });
  };
  page.on('requestfinished', (r) => void record(r));

  const started = Date.now();
  await page.getByRole('option', { name: new RegExp(subject) }).click();
  const reader = page.getByRole('region', { name: 'Reading pane' });
  await expect(page.frameLocator('iframe[title="Message body"]').getByText('The text of a message with a very large attachment.')).toBeVisible();
  const elapsed = Date.now() - started;
  expect(elapsed).toBeLessThan(5_000);
  await expect(reader.getByRole('heading', { name: subject })).toBeVisible();
  const attachments = reader.getByRole('list', { name: 'Attachments' });
  await expect(attachments).toContainText('archive.bin');
  await expect(attachments).toContainText(/application\/octet-stream, about 2[45]\.\d MB/);

  await page.waitForTimeout(1_000);
  expect(transfers.some((t) => t.url.includes('/api/messages/structure'))).toBe(true);
  expect(transfers.filter((t) => t.url.includes('/api/messages/source'))).toEqual([]);
  expect(transfers.filter((t) => t.bytes > 100 * 1024)).toEqual([]);

  const download = page.waitForEvent('download');
  await attachments.getByRole('link', { name: 'Download archive.bin' }).click();
  const file = await download;
  expect(file.suggestedFilename()).toBe('archive.bin');
  const saved = readFileSync((await file.path())!);
  expect(saved.length).toBe(big.length);
  expect(sha256(saved)).toBe(sha256(big));
  await expect.poll(() => transfers.filter((t) => t.bytes > 25 * 1024 * 1024).length).toBe(1);
  const part = transfers.find((t) => t.bytes > 25 * 1024 * 1024)!;
  expect(new URL(part.url).searchParams.get('part')).toBe('2');
});
