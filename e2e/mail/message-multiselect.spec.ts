import { randomUUID } from 'node:crypto';

import { type Page, expect, test } from '@playwright/test';

import { fillTestFolder } from '../support/list-mailbox';
import { signIn } from '../support/login';
import { buildMessage } from '../support/mailbox';

// ivan's own folder per test: five messages, "Multi 5" newest (first) to "Multi 1".
async function openFiveFolder(page: Page): Promise<string> {
  const folder = `Multi ${randomUUID().slice(0, 8)}`;
  const messages = [];
  for (let i = 1; i <= 5; i++) {
    const raw = await buildMessage({ from: { name: `Sender ${i}`, address: `s${i}@x.example` }, to: ['ivan@sealpost.test'], subject: `Multi ${i}`, date: new Date(Date.UTC(2024, 0, i)), text: `message ${i}` });
    messages.push({ raw, flags: ['\\Seen'] });
  }
  await fillTestFolder('ivan', folder, messages);
  await signIn(page, 'ivan');
  await page.getByRole('treeitem', { name: new RegExp(`^${folder}`) }).click();
  await expect(page.getByRole('region', { name: folder }).getByText('5 messages')).toBeVisible();
  return folder;
}

const list = (page: Page) => page.getByRole('listbox', { name: 'Messages' });
const row = (page: Page, n: number) => list(page).getByRole('option', { name: new RegExp(`Multi ${n}$`) });
const selectedSubjects = async (page: Page) =>
  (await list(page).locator('[role="option"][aria-selected="true"]').allTextContents()).map((t) => t.match(/Multi \d/)?.[0]);

test('Ctrl-click, Shift-click, Shift+arrows and Ctrl+A select messages; the pane shows the focused one', async ({ page }) => {
  await openFiveFolder(page);
  await row(page, 5).click();
  await row(page, 3).click({ modifiers: ['ControlOrMeta'] });
  await expect.poll(() => selectedSubjects(page)).toEqual(['Multi 5', 'Multi 3']);
  await expect(page.getByRole('region', { name: 'Reading pane' }).getByRole('heading', { name: 'Multi 3' })).toBeVisible();
  await row(page, 1).click({ modifiers: ['Shift'] });
  await expect.poll(() => selectedSubjects(page)).toEqual(['Multi 3', 'Multi 2', 'Multi 1']);
  await row(page, 5).click();
  await list(page).press('Shift+ArrowDown');
  await list(page).press('Shift+ArrowDown');
  await expect.poll(() => selectedSubjects(page)).toEqual(['Multi 5', 'Multi 4', 'Multi 3']);
  await list(page).press('ControlOrMeta+a');
  await expect.poll(() => selectedSubjects(page)).toEqual(['Multi 5', 'Multi 4', 'Multi 3', 'Multi 2', 'Multi 1']);
  await expect(page.getByText('5 messages, 5 selected')).toBeVisible();
});

test('Delete moves all selected messages, and Undo brings the batch back', async ({ page }) => {
  await openFiveFolder(page);
  await row(page, 4).click();
  await row(page, 2).click({ modifiers: ['ControlOrMeta'] });
  await page.getByRole('toolbar', { name: 'Message actions' }).getByRole('button', { name: 'Delete' }).click();
  await expect(row(page, 4)).toHaveCount(0);
  await expect(row(page, 2)).toHaveCount(0);
  await expect(list(page).getByRole('option')).toHaveCount(3);
  await page.getByRole('status').filter({ hasText: 'Moved to Trash.' }).getByRole('button', { name: 'Undo' }).click();
  await expect(list(page).getByRole('option')).toHaveCount(5);
  await expect(row(page, 4)).toBeVisible();
  await expect(row(page, 2)).toBeVisible();
});

test('Flag and Mark as unread act on every selected message', async ({ page }) => {
  await openFiveFolder(page);
  await row(page, 5).click();
  await row(page, 4).click({ modifiers: ['Shift'] });
  const toolbar = page.getByRole('toolbar', { name: 'Message actions' });
  await toolbar.getByRole('button', { name: 'Flag' }).click();
  await expect(row(page, 5).getByRole('img', { name: 'Flagged' })).toBeVisible();
  await expect(row(page, 4).getByRole('img', { name: 'Flagged' })).toBeVisible();
  await toolbar.getByRole('button', { name: 'Mark as unread' }).click();
  await expect(row(page, 5).getByRole('img', { name: 'Unread' })).toBeVisible();
  await expect(row(page, 4).getByRole('img', { name: 'Unread' })).toBeVisible();
  await expect(row(page, 3).getByRole('img', { name: 'Flagged' })).toHaveCount(0);
});

test('dragging a selected row carries the whole selection as a message drag', async ({ page }) => {
  const folder = await openFiveFolder(page);
  await row(page, 5).click();
  await row(page, 3).click({ modifiers: ['ControlOrMeta'] });
  const dataTransfer = await page.evaluateHandle(() => new DataTransfer());
  await row(page, 3).dispatchEvent('dragstart', { dataTransfer });
  const payload = JSON.parse(await dataTransfer.evaluate((dt) => dt.getData('application/x-sealpost-messages'))) as { folder: string; uids: number[] };
  expect(payload.folder).toBe(folder);
  expect(payload.uids).toHaveLength(2);
  await expect(row(page, 3)).toHaveAttribute('draggable', 'true');
});
