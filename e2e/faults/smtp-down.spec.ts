import { randomUUID } from 'node:crypto';

import { expect, test } from '@playwright/test';
import PostalMime from 'postal-mime';

import { waitForMessages } from '../support/imap-read';
import { signIn } from '../support/login';
import { restartStack, stopService } from '../support/stack';

// The outgoing server is down: the composer stays open with everything typed, says why, and
// the message is kept in Drafts; once the server is back, Send works.
test('SMTP down: the composer keeps the message, says so, and saves the draft', async ({ page }) => {
  const subject = `SMTP down ${randomUUID()}`;
  await signIn(page, 'judy');
  await page.getByRole('button', { name: 'New message' }).click();
  const dialog = page.getByRole('dialog', { name: 'New message' });
  await dialog.getByLabel('To', { exact: true }).fill('mallory@sealpost.test');
  await dialog.getByLabel('Subject', { exact: true }).fill(subject);
  await dialog.getByRole('textbox', { name: 'Message' }).fill('still here');
  stopService('smtp');
  try {
    await dialog.getByRole('button', { name: 'Send' }).click();
    await expect(dialog.getByRole('alert')).toHaveText('The outgoing mail server cannot be reached. Try again later.');
    await expect(dialog.getByRole('textbox', { name: 'Message' })).toHaveValue('still here');
    await expect(dialog.getByLabel('To', { exact: true })).toHaveValue('mallory@sealpost.test');
    await expect(dialog.getByRole('status')).toHaveText('Draft saved');
    const [draft] = await waitForMessages('judy', 'Drafts', subject);
    expect((await PostalMime.parse(draft!.source)).text?.trim()).toBe('still here');
  } finally {
    restartStack();
  }
  await dialog.getByRole('button', { name: 'Send' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Message sent.' })).toBeVisible();
  expect(await waitForMessages('judy', 'Drafts', subject, 0)).toHaveLength(0);
  await waitForMessages('mallory', 'INBOX', subject);
});
