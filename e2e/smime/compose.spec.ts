import { randomUUID } from 'node:crypto';

import { expect, test } from '@playwright/test';

import { waitForMessages } from '../support/imap-read';
import { signIn } from '../support/login';

// Composing protected mail (issue 5): the toggles and the user's sending defaults. With Sign and
// Encrypt off the composer sends as before (one message, no Bcc field in it). POST /api/send's
// separate copies (what an encrypted message with Bcc uses) are checked through the running app.

test('with Sign and Encrypt off, mail with Bcc goes out as before', async ({ page }) => {
  const subject = `Plain with Bcc ${randomUUID()}`;
  await signIn(page, 'alice');
  await page.getByRole('button', { name: 'New message' }).click();
  const dialog = page.getByRole('dialog', { name: 'New message' });
  const security = dialog.getByRole('group', { name: 'Security' });
  await expect(security.getByRole('button', { name: 'Sign' })).toHaveAttribute('aria-pressed', 'false');
  await expect(security.getByRole('button', { name: 'Encrypt' })).toHaveAttribute('aria-pressed', 'false');
  await expect(dialog.getByRole('region', { name: 'Recipient certificates' })).toHaveCount(0);

  await dialog.getByRole('combobox', { name: 'To' }).fill('bob@sealpost.test');
  await dialog.getByRole('combobox', { name: 'Bcc' }).fill('carol@sealpost.test');
  await dialog.getByRole('textbox', { name: 'Subject' }).fill(subject);
  await dialog.getByRole('textbox', { name: 'Message' }).fill('Hello both.');
  await dialog.getByRole('button', { name: 'Send' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Message sent.' })).toBeVisible();

  const [toBob] = await waitForMessages('bob', 'INBOX', subject);
  const [toCarol] = await waitForMessages('carol', 'INBOX', subject);
  // One message for both, not S/MIME, and no Bcc field in it.
  for (const copy of [toBob!, toCarol!]) {
    expect(copy.source.toString('latin1')).not.toMatch(/^Bcc:/im);
    expect(copy.source.toString('latin1')).not.toMatch(/pkcs7/i);
  }
});

test('the sending defaults in Settings decide how the composer starts, and stay after a reload', async ({ page }) => {
  await signIn(page, 'olivia');
  const openSending = async () => {
    await page.getByRole('banner').getByRole('button', { name: 'Settings' }).click();
    const settings = page.getByRole('dialog', { name: 'Settings' });
    await settings.getByRole('tab', { name: 'Sending' }).click();
    return settings;
  };
  let settings = await openSending();
  const defaults = settings.getByRole('region', { name: 'Sending defaults' });
  await expect(defaults.getByRole('checkbox', { name: 'Encrypt new messages' })).not.toBeChecked();
  await defaults.getByRole('checkbox', { name: 'Encrypt new messages' }).check();
  await defaults.getByRole('checkbox', { name: 'Sign new messages' }).check();
  await settings.getByRole('button', { name: 'Close' }).click();

  await page.reload();
  await page.getByRole('button', { name: 'New message' }).click();
  const dialog = page.getByRole('dialog', { name: 'New message' });
  await expect(dialog.getByRole('button', { name: 'Sign' })).toHaveAttribute('aria-pressed', 'true');
  await expect(dialog.getByRole('button', { name: 'Encrypt' })).toHaveAttribute('aria-pressed', 'true');
  await dialog.getByRole('button', { name: 'Discard' }).click();

  settings = await openSending();
  await settings.getByRole('checkbox', { name: 'Encrypt new messages' }).uncheck();
  await settings.getByRole('checkbox', { name: 'Sign new messages' }).uncheck();
  await settings.getByRole('button', { name: 'Close' }).click();
  await page.getByRole('button', { name: 'New message' }).click();
  await expect(page.getByRole('dialog', { name: 'New message' }).getByRole('button', { name: 'Encrypt' })).toHaveAttribute('aria-pressed', 'false');
});

test('POST /api/send delivers each separate copy only to its own recipients and reports a refused one', async ({ page }) => {
  const subject = `Separate copies ${randomUUID()}`;
  await signIn(page, 'alice');
  const message = (who: string) =>
    Buffer.from(`From: alice@sealpost.test\r\nTo: bob@sealpost.test\r\nSubject: ${subject}\r\nX-Copy-For: ${who}\r\n\r\nHello.\r\n`).toString('base64');
  const answer = await page.request.post('/api/send', {
    headers: { 'content-type': 'application/json' },
    data: {
      raw: message('main'),
      to: ['bob@sealpost.test'],
      separate: [
        { raw: message('carol'), to: ['carol@sealpost.test'] },
        // trent: a mailbox-only test user (dave's seeded Inbox order is asserted in mail/message-list.spec).
        { raw: message('trent'), to: ['trent@sealpost.test'] },
        { raw: message('outsider'), to: ['someone@example.com'] },
      ],
    },
  });
  expect(answer.status()).toBe(200);
  const result = (await answer.json()) as { savedToSent: boolean; separate: { to: string[]; sent: boolean; error?: { code: string } }[] };
  expect(result.savedToSent).toBe(true);
  expect(result.separate.map((c) => [c.to[0], c.sent, c.error?.code])).toEqual([
    ['carol@sealpost.test', true, undefined],
    ['trent@sealpost.test', true, undefined],
    ['someone@example.com', false, 'smtp-rejected'],
  ]);
  const copyFor = async (user: string, folder = 'INBOX') => (await waitForMessages(user, folder, subject)).map((m) => /X-Copy-For: (\w+)/.exec(m.source.toString('latin1'))?.[1]);
  expect(await copyFor('bob')).toEqual(['main']);
  expect(await copyFor('carol')).toEqual(['carol']);
  expect(await copyFor('trent')).toEqual(['trent']);
  expect(await copyFor('alice', 'Sent')).toEqual(['main']);
});
