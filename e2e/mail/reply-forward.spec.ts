import { randomUUID } from 'node:crypto';

import { type Page, expect, test } from '@playwright/test';
import PostalMime from 'postal-mime';

import { waitForMessages } from '../support/imap-read';
import { signIn } from '../support/login';
import { appendMessage, buildMessage } from '../support/mailbox';

// Judy answers and forwards messages from Mallory; what arrives is read back over IMAP.

async function putInInbox(subject: string, extra: Partial<Parameters<typeof buildMessage>[0]> = {}): Promise<{ raw: Buffer; id: string }> {
  const id = `${randomUUID()}@sealpost.test`;
  const raw = await buildMessage({
    from: { name: 'Mallory Test', address: 'mallory@sealpost.test' },
    to: [{ name: 'Judy', address: 'judy@sealpost.test' }],
    subject,
    text: 'First line\nSecond line',
    messageId: id,
    references: ['root@sealpost.test'],
    attachments: [{ filename: 'notes.txt', contentType: 'text/plain', content: 'attached notes' }],
    ...extra,
  });
  await appendMessage('judy', raw);
  return { raw, id };
}

async function openMessage(page: Page, subject: string) {
  await signIn(page, 'judy');
  await page.getByRole('option', { name: new RegExp(subject) }).click();
  return page.getByRole('toolbar', { name: 'Message actions' });
}

test('Reply quotes the original, joins its thread and reaches the sender', async ({ page }) => {
  const subject = `Reply me ${randomUUID()}`;
  const { id } = await putInInbox(`Re: ${subject}`);
  const actions = await openMessage(page, subject);
  await actions.getByRole('button', { name: 'Reply', exact: true }).click();
  const dialog = page.getByRole('dialog', { name: 'Reply' });
  await expect(dialog.getByLabel('To', { exact: true })).toHaveValue('Mallory Test <mallory@sealpost.test>');
  await expect(dialog.getByLabel('Subject', { exact: true })).toHaveValue(`Re: ${subject}`);
  const body = dialog.getByRole('textbox', { name: 'Message' });
  await expect(body).toHaveValue(/wrote:\n> First line\n> Second line\n$/);
  await body.press('Control+Home');
  await body.pressSequentially('Thanks!');
  await dialog.getByRole('button', { name: 'Send' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Message sent.' })).toBeVisible();

  const [got] = await waitForMessages('mallory', 'INBOX', subject);
  const m = await PostalMime.parse(got!.source);
  expect(m.subject).toBe(`Re: ${subject}`);
  expect(m.inReplyTo).toBe(`<${id}>`);
  expect(m.references).toBe(`<root@sealpost.test> <${id}>`);
  expect(m.text).toMatch(/^Thanks!\n\nOn .*, Mallory Test <mallory@sealpost\.test> wrote:\n> First line\n> Second line\n/);
});

test('Reply all honours Reply-To and leaves out the user and duplicates', async ({ page }) => {
  const subject = `Reply all ${randomUUID()}`;
  await putInInbox(subject, {
    replyTo: { name: 'List', address: 'list@sealpost.test' },
    to: [{ name: 'Judy', address: 'JUDY@sealpost.test' }, { name: 'Mallory', address: 'mallory@sealpost.test' }],
    cc: [{ name: '', address: 'list@sealpost.test' }, { name: 'Other', address: 'other@sealpost.test' }],
  });
  const actions = await openMessage(page, subject);
  await actions.getByRole('button', { name: 'Reply all', exact: true }).click();
  const dialog = page.getByRole('dialog', { name: 'Reply all' });
  await expect(dialog.getByLabel('To', { exact: true })).toHaveValue('List <list@sealpost.test>, Mallory <mallory@sealpost.test>');
  await expect(dialog.getByLabel('Cc', { exact: true })).toHaveValue('Other <other@sealpost.test>');
  await dialog.getByRole('button', { name: 'Discard' }).click();
  await expect(dialog).toHaveCount(0);
});

test('Forward carries the original headers, text and attachments', async ({ page }) => {
  const subject = `Forward me ${randomUUID()}`;
  await putInInbox(subject);
  const actions = await openMessage(page, subject);
  await actions.getByRole('button', { name: 'Forward', exact: true }).click();
  const dialog = page.getByRole('dialog', { name: 'Forward' });
  await expect(dialog.getByLabel('Subject', { exact: true })).toHaveValue(`Fwd: ${subject}`);
  await expect(dialog.getByRole('list', { name: 'Attached files' }).getByRole('listitem')).toHaveText(['notes.txt (14 B) ×']);
  await dialog.getByLabel('To', { exact: true }).fill('mallory@sealpost.test');
  await dialog.getByRole('button', { name: 'Send' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Message sent.' })).toBeVisible();

  const [got] = await waitForMessages('mallory', 'INBOX', `Fwd: ${subject}`);
  const m = await PostalMime.parse(got!.source);
  expect(m.text).toContain('---------- Forwarded message ----------\nFrom: Mallory Test <mallory@sealpost.test>');
  expect(m.text).toContain(`Subject: ${subject}\nTo: Judy <judy@sealpost.test>\n\nFirst line\nSecond line`);
  expect(m.attachments.map((a) => a.filename)).toEqual(['notes.txt']);
});

test('Forward as attachment sends the original bytes unchanged as message/rfc822', async ({ page }) => {
  const subject = `Forward whole ${randomUUID()}`;
  await putInInbox(subject);
  const actions = await openMessage(page, subject);
  await actions.getByRole('button', { name: 'More forward options' }).click();
  await page.getByRole('menu', { name: 'Forward options' }).getByRole('menuitem', { name: 'Forward as attachment' }).click();
  const dialog = page.getByRole('dialog', { name: 'Forward as attachment' });
  await expect(dialog.getByRole('list', { name: 'Attached files' })).toContainText(`${subject}.eml`);
  await dialog.getByLabel('To', { exact: true }).fill('mallory@sealpost.test');
  await dialog.getByRole('button', { name: 'Send' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Message sent.' })).toBeVisible();

  // The bytes the reader fetched from judy's INBOX, exactly, inside what mallory got.
  const [original] = await waitForMessages('judy', 'INBOX', subject);
  const [got] = await waitForMessages('mallory', 'INBOX', `Fwd: ${subject}`);
  expect(got!.source.toString('latin1')).toMatch(/Content-Type: message\/rfc822;\r\n name="[^"]+\.eml"\r\nContent-Transfer-Encoding: 7bit/);
  expect(got!.source.indexOf(original!.source)).toBeGreaterThan(0);
});

test("From carries the user's name from their directory entry", async ({ page }) => {
  const subject = `Named ${randomUUID()}`;
  // judy has no directory entry; the directory's answer for her address is played back here.
  await page.route('**/api/contacts?*', (route) =>
    new URL(route.request().url()).searchParams.get('q') === 'judy@sealpost.test'
      ? route.fulfill({
          json: { query: 'judy@sealpost.test', directoryAvailable: true, suggestions: [{ name: 'Judy Directory', address: 'judy@sealpost.test', source: 'directory' }] },
        })
      : route.continue(),
  );
  await signIn(page, 'judy');
  await page.getByRole('button', { name: 'New message' }).click();
  const dialog = page.getByRole('dialog', { name: 'New message' });
  await dialog.getByLabel('To', { exact: true }).fill('mallory@sealpost.test');
  await dialog.getByLabel('Subject', { exact: true }).fill(subject);
  await dialog.getByRole('button', { name: 'Send' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Message sent.' })).toBeVisible();
  const [got] = await waitForMessages('mallory', 'INBOX', subject);
  expect(got!.source.toString('latin1')).toMatch(/^From: "Judy Directory" <judy@sealpost\.test>\r$/m);
});
