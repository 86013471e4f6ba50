import { randomUUID } from 'node:crypto';

import { expect, test } from '@playwright/test';

import { signIn } from '../support/login';
import { appendMessage, buildMessage } from '../support/mailbox';
import { restartStack, stopService } from '../support/stack';

// The IMAP server goes away under an open mail view: a banner says so, nothing on screen is lost
// (the list, the open message, a composer with text), and when the server is back the banner goes
// and the view catches up by itself. niaj's mailbox is this area's own.
test('IMAP down in the mail view: a banner, nothing lost, and recovery without reloading', async ({ page }) => {
  test.setTimeout(120_000);
  const subject = `Before the outage ${randomUUID()}`;
  await appendMessage('niaj', await buildMessage({ from: { name: 'Olivia', address: 'olivia@sealpost.test' }, to: ['niaj@sealpost.test'], subject, date: new Date(), text: 'still here after the outage' }));
  await signIn(page, 'niaj');
  const list = page.getByRole('listbox', { name: 'Messages' });
  await list.getByRole('option', { name: new RegExp(subject) }).click();
  const article = page.getByRole('article', { name: 'Message' });
  await expect(article.getByRole('heading', { name: subject })).toBeVisible();
  await page.getByRole('button', { name: 'New message' }).click();
  const composer = page.getByRole('dialog', { name: 'New message' });
  await composer.getByRole('textbox', { name: 'Subject' }).fill('Draft kept through the outage');
  await composer.getByRole('textbox', { name: 'Message' }).fill('every word of it');

  let navigations = 0;
  page.on('framenavigated', (frame) => {
    if (frame === page.mainFrame()) navigations++;
  });
  const banner = page.getByRole('alert').filter({ hasText: 'Connection to the mail server lost. Reconnecting…' });
  const later = `After the outage ${randomUUID()}`;
  stopService('dovecot');
  try {
    await expect(banner).toBeVisible({ timeout: 15_000 });
    // Nothing on screen was lost.
    await expect(composer.getByRole('textbox', { name: 'Subject' })).toHaveValue('Draft kept through the outage');
    await expect(composer.getByRole('textbox', { name: 'Message' })).toHaveValue('every word of it');
    await composer.getByRole('button', { name: 'Discard' }).click();
    // Typed text makes Discard ask about the draft; keeping it needs the server, so the composer
    // stays open with everything in it and says why.
    await page.getByRole('button', { name: 'Keep draft' }).click();
    await expect(composer.getByRole('status')).toHaveText('The mail server cannot be reached. Try again later.');
    await expect(composer.getByRole('textbox', { name: 'Message' })).toHaveValue('every word of it');
    await expect(article.getByRole('heading', { name: subject })).toBeVisible();
    await expect(list.getByRole('option', { name: new RegExp(subject) })).toHaveAttribute('aria-selected', 'true');
    await expect(page.frameLocator('iframe[title="Message body"]').getByText('still here after the outage')).toBeVisible();
  } finally {
    restartStack();
  }
  // Mail that arrived while the view was catching up shows up once the connection is back.
  await appendMessage('niaj', await buildMessage({ from: { name: 'Olivia', address: 'olivia@sealpost.test' }, to: ['niaj@sealpost.test'], subject: later, date: new Date(), text: 'x' }));
  await expect(banner).toHaveCount(0, { timeout: 45_000 });
  // The watcher reconnects with backoff (at most 30 s between tries), then reports the new mail.
  await expect(list.getByRole('option', { name: new RegExp(later) })).toBeVisible({ timeout: 45_000 });
  await expect(article.getByRole('heading', { name: subject })).toBeVisible();
  expect(navigations).toBe(0);
});
