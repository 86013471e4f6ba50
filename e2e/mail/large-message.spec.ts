import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';

import { type Request, expect, test } from '@playwright/test';

import { signIn } from '../support/login';
import { appendMessage, buildMessage, samplePdf, samplePng } from '../support/mailbox';

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

test('a large message read part by part shows its cid: images and previews an attachment fetched on demand', async ({ page }) => {
  test.setTimeout(120_000);
  const subject = `Large HTML ${randomUUID()}`;
  const pdf = await samplePdf('Fetched on demand');
  await appendMessage(
    USER,
    await buildMessage({
      from: { name: 'Big Sender', address: 'big@example.com' },
      to: `${USER}@sealpost.test`,
      subject,
      date: new Date(),
      text: 'Plain alternative.',
      html: '<p id="lead">Rich text first.</p><img id="logo" src="cid:logo@big" alt="logo">',
      attachments: [
        { filename: 'logo.png', contentType: 'image/png', content: await samplePng(32, 16), cid: 'logo@big' },
        { filename: 'padding.bin', contentType: 'application/octet-stream', content: randomBytes(2 * 1024 * 1024) },
        { filename: 'plan.pdf', contentType: 'application/pdf', content: pdf },
      ],
    }),
  );
  await signIn(page, USER);
  const parts: string[] = [];
  page.on('request', (r) => {
    const url = new URL(r.url());
    if (url.pathname === '/api/messages/part') parts.push(url.searchParams.get('part')!);
    if (url.pathname === '/api/messages/source') parts.push('whole message');
  });
  // The image's answer waits until the text is on screen, so the body changes under a loaded frame.
  let releaseImage = () => {};
  const imageHeld = new Promise<void>((resolve) => (releaseImage = resolve));
  await page.route(/\/api\/messages\/part\?.*part=1\.2\.2/, async (route) => {
    await imageHeld;
    await route.continue();
  });
  await page.getByRole('option', { name: new RegExp(subject) }).click();
  const frame = page.frameLocator('iframe[title="Message body"]');
  await expect(frame.locator('#lead')).toHaveText('Rich text first.');
  const textOnlyFrame = await page.locator('iframe[title="Message body"]').elementHandle();
  releaseImage();
  const logo = frame.locator('#logo');
  await expect(logo).toHaveAttribute('src', /^data:image\/png;base64,/, { timeout: 30_000 });
  // A new document is drawn in a new frame: Chromium can drop a srcdoc change made while the frame loads.
  expect(await textOnlyFrame!.evaluate((el) => el.isConnected)).toBe(false);
  await expect.poll(() => logo.evaluate((el) => (el as HTMLImageElement).naturalWidth)).toBe(32);
  const attachments = page.getByRole('list', { name: 'Attachments' });
  await expect(attachments.getByRole('listitem')).toHaveCount(2);
  // The header, the two text parts and the inline image; no file, and never the whole message.
  expect(parts.sort()).toEqual(['1.1', '1.2.1', '1.2.2', 'HEADER']);

  await attachments.getByRole('button', { name: 'Preview plan.pdf' }).click();
  const dialog = page.getByRole('dialog', { name: 'plan.pdf' });
  const object = dialog.locator('object[type="application/pdf"]');
  await expect(object).toHaveAttribute('data', /^blob:/);
  const bytes = await object.evaluate(async (el) => Array.from(new Uint8Array(await (await fetch((el as HTMLObjectElement).data)).arrayBuffer())));
  expect(Buffer.from(bytes).equals(pdf)).toBe(true);
  expect(parts.filter((p) => p === '3')).toHaveLength(1);
  expect(parts).not.toContain('2');
});

test('a large S/MIME message is still fetched whole (its signature covers the exact bytes)', async ({ page }) => {
  test.setTimeout(120_000);
  const subject = `Large signed ${randomUUID()}`;
  // The shape of a detached signature (RFC 8551 section 3.5.3); the "signature" is filler, nothing verifies it yet.
  const filler = randomBytes(1536 * 1024).toString('base64').replace(/.{76}/g, '$&\r\n');
  const raw = Buffer.from(
    [
      'From: Signer <signer@example.com>',
      `To: ${USER}@sealpost.test`,
      `Subject: ${subject}`,
      `Date: ${new Date().toUTCString()}`,
      'MIME-Version: 1.0',
      'Content-Type: multipart/signed; protocol="application/pkcs7-signature"; micalg=sha-256; boundary="sig"',
      '',
      '--sig',
      'Content-Type: text/plain; charset=utf-8',
      '',
      'Signed text of a large message.',
      '--sig',
      'Content-Type: application/pkcs7-signature; name="smime.p7s"',
      'Content-Transfer-Encoding: base64',
      'Content-Disposition: attachment; filename="smime.p7s"',
      '',
      filler,
      '--sig--',
      '',
    ].join('\r\n'),
  );
  await appendMessage(USER, raw);
  await signIn(page, USER);
  const asked: string[] = [];
  page.on('request', (r) => {
    const url = new URL(r.url());
    if (url.pathname.startsWith('/api/messages/')) asked.push(url.pathname);
  });
  await page.getByRole('option', { name: new RegExp(subject) }).click();
  await expect(page.frameLocator('iframe[title="Message body"]').getByText('Signed text of a large message.')).toBeVisible();
  expect(asked).toContain('/api/messages/source');
  expect(asked).not.toContain('/api/messages/part');
});
