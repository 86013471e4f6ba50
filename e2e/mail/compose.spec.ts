import { randomUUID } from 'node:crypto';

import { expect, test } from '@playwright/test';

import { signIn } from '../support/login';

test('a new message goes to the recipient and its copy to Sent', async ({ page, browser }) => {
  const subject = `Hello Bob ${randomUUID()} — Grüße`;
  await signIn(page, 'alice');
  await page.getByRole('button', { name: 'New message' }).click();
  const dialog = page.getByRole('dialog', { name: 'New message' });
  await dialog.getByRole('combobox', { name: 'To' }).fill('Bob Ødegård <bob@sealpost.test>');
  await dialog.getByRole('textbox', { name: 'Subject' }).fill(subject);
  await dialog.getByRole('textbox', { name: 'Message' }).fill('Hi Bob,\n.a line with a leading dot\nsee you');
  await dialog.getByRole('button', { name: 'Send' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Message sent.' })).toBeVisible();
  await expect(dialog).toHaveCount(0);

  await page.getByRole('treeitem', { name: /^Sent/ }).click();
  await expect(page.getByRole('option', { name: new RegExp(subject) })).toBeVisible();

  const bob = await (await browser.newContext()).newPage();
  await signIn(bob, 'bob');
  await bob.getByRole('option', { name: new RegExp(subject) }).click();
  await expect(bob.getByRole('region', { name: 'Reading pane' }).getByText('alice@sealpost.test')).toBeVisible();
  await expect(bob.frameLocator('iframe[title="Message body"]').getByText('.a line with a leading dot')).toBeVisible();
});

test('a refused recipient keeps the composer open with the server reason and the text intact', async ({ page }) => {
  await signIn(page, 'alice');
  await page.getByRole('button', { name: 'New message' }).click();
  const dialog = page.getByRole('dialog', { name: 'New message' });
  await dialog.getByRole('combobox', { name: 'To' }).fill('someone@example.com');
  await dialog.getByRole('textbox', { name: 'Subject' }).fill('will be refused');
  await dialog.getByRole('textbox', { name: 'Message' }).fill('keep me');
  await dialog.getByRole('button', { name: 'Send' }).click();
  await expect(dialog.getByRole('alert')).toContainText('Relaying to <someone@example.com> denied');
  await expect(dialog.getByRole('textbox', { name: 'Message' })).toHaveValue('keep me');
});

test('an address that is not one is caught before sending', async ({ page }) => {
  await signIn(page, 'alice');
  await page.getByRole('button', { name: 'New message' }).click();
  const dialog = page.getByRole('dialog', { name: 'New message' });
  await dialog.getByRole('combobox', { name: 'To' }).fill('bob');
  await dialog.getByRole('button', { name: 'Send' }).click();
  await expect(dialog.getByRole('alert')).toHaveText('Not an e-mail address: bob');
});
