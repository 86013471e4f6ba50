import { randomUUID } from 'node:crypto';

import { type Page, expect, test } from '@playwright/test';

import { signIn } from '../support/login';
import { appendMessage, buildMessage } from '../support/mailbox';

// These tests put their own messages into carol's Inbox and act on them.
test.describe.configure({ mode: 'serial' });

async function freshMessage(page: Page): Promise<{ subject: string }> {
  const subject = `Action ${randomUUID()}`;
  await appendMessage(
    'carol',
    await buildMessage({ from: { name: 'Łukasz Żółć', address: 'lukasz@poczta.example' }, to: ['carol@sealpost.test'], subject, date: new Date(), text: 'act on me' }),
  );
  await signIn(page, 'carol');
  return { subject };
}

test('Delete moves the message to Trash, and Undo brings it back', async ({ page }) => {
  const { subject } = await freshMessage(page);
  const list = page.getByRole('listbox', { name: 'Messages' });
  await list.getByRole('option', { name: new RegExp(subject) }).click();
  await page.getByRole('toolbar', { name: 'Message actions' }).getByRole('button', { name: 'Delete' }).click();
  await expect(list.getByRole('option', { name: new RegExp(subject) })).toHaveCount(0);
  const undo = page.getByRole('status').filter({ hasText: 'Moved to Trash.' });
  await expect(undo).toBeVisible();

  // It is in Trash on the server.
  await page.getByRole('treeitem', { name: /^Trash/ }).click();
  await expect(list.getByRole('option', { name: new RegExp(subject) })).toBeVisible();
  await page.getByRole('treeitem', { name: /^Inbox/ }).click();

  await undo.getByRole('button', { name: 'Undo' }).click();
  await expect(list.getByRole('option', { name: new RegExp(subject) })).toBeVisible();
  await page.reload();
  await expect(page.getByRole('option', { name: new RegExp(subject) })).toBeVisible();
});

test('the Delete key deletes the selected message', async ({ page }) => {
  const { subject } = await freshMessage(page);
  const row = page.getByRole('option', { name: new RegExp(subject) });
  await row.click();
  await page.getByRole('listbox', { name: 'Messages' }).press('Delete');
  await expect(row).toHaveCount(0);
  await expect(page.getByRole('status').filter({ hasText: 'Moved to Trash.' })).toBeVisible();
});

test('Flag and Mark as unread change the row and stick on the server', async ({ page }) => {
  const { subject } = await freshMessage(page);
  const row = () => page.getByRole('option', { name: new RegExp(subject) });
  await row().click();
  await expect(row().getByRole('img', { name: 'Unread' })).toHaveCount(0);
  const toolbar = page.getByRole('toolbar', { name: 'Message actions' });
  await toolbar.getByRole('button', { name: 'Flag' }).click();
  await expect(row().getByRole('img', { name: 'Flagged' })).toBeVisible();
  await expect(toolbar.getByRole('button', { name: 'Unflag' })).toHaveAttribute('aria-pressed', 'true');
  await toolbar.getByRole('button', { name: 'Mark as unread' }).click();
  await expect(row().getByRole('img', { name: 'Unread' })).toBeVisible();

  await page.reload();
  await expect(row().getByRole('img', { name: 'Flagged' })).toBeVisible();
  await expect(row().getByRole('img', { name: 'Unread' })).toBeVisible();
});
