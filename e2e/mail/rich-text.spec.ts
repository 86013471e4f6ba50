import { randomUUID } from 'node:crypto';

import { expect, test } from '@playwright/test';
import PostalMime from 'postal-mime';

import { waitForMessages } from '../support/imap-read';
import { signIn } from '../support/login';

test('rich text goes out as multipart/alternative: sanitized HTML and its text rendering', async ({ page }) => {
  const subject = `Rich ${randomUUID()}`;
  await signIn(page, 'judy');
  await page.getByRole('button', { name: 'New message' }).click();
  const dialog = page.getByRole('dialog', { name: 'New message' });
  await dialog.getByLabel('To', { exact: true }).fill('mallory@sealpost.test');
  await dialog.getByLabel('Subject', { exact: true }).fill(subject);
  await dialog.getByRole('radio', { name: 'Rich text' }).check();
  const body = dialog.getByRole('textbox', { name: 'Message' });
  const toolbar = dialog.getByRole('toolbar', { name: 'Formatting' });
  await body.click();
  await toolbar.getByRole('button', { name: 'Bold' }).click();
  await page.keyboard.type('Strong words');
  await toolbar.getByRole('button', { name: 'Bold' }).click();
  await page.keyboard.press('Enter');
  await toolbar.getByRole('button', { name: 'Bulleted list' }).click();
  await page.keyboard.type('first');
  await page.keyboard.press('Enter');
  await page.keyboard.type('second');
  await page.keyboard.press('Enter');
  await page.keyboard.press('Enter');
  await toolbar.getByRole('button', { name: 'Link' }).click();
  await dialog.getByLabel('Link address').fill('https://example.com/page');
  await dialog.getByRole('button', { name: 'Insert link' }).click();
  // Pasted hostile markup must not survive.
  await body.evaluate((el) => el.insertAdjacentHTML('beforeend', '<img src="https://evil.example/x.png"><script>1</script><p style="background:url(https://evil.example/)">end</p>'));
  await body.press('End');
  await page.keyboard.type('.');
  await dialog.getByRole('button', { name: 'Send' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Message sent.' })).toBeVisible();

  const [got] = await waitForMessages('mallory', 'INBOX', subject);
  const wire = got!.source.toString('latin1');
  expect(wire).toMatch(/Content-Type: multipart\/alternative;/);
  const m = await PostalMime.parse(got!.source);
  expect(m.html).toContain('<b>Strong words</b>');
  expect(m.html).toMatch(/<ul><li>first<\/li><li>second<\/li><\/ul>/);
  expect(m.html).toContain('<a href="https://example.com/page">https://example.com/page</a>');
  expect(m.html).not.toMatch(/evil|<script|<img|style=/);
  expect(m.text).toContain('Strong words\n- first\n- second\n');
  expect(m.text).toContain('https://example.com/page');
});
