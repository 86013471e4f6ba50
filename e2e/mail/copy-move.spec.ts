import { randomUUID } from 'node:crypto';

import { type Page, expect, test } from '@playwright/test';

import { clearFolder, folderSubjects, resetFolders } from '../support/folders';
import { signIn } from '../support/login';
import { appendMessage, buildMessage } from '../support/mailbox';

// Move to…, Copy to… and dragging messages onto folders, as grace (a mailbox-only user).
test.describe.configure({ mode: 'serial' });
const USER = 'grace';
const TARGET = 'Ablage Ü';

test.beforeEach(async () => {
  await resetFolders(USER, [TARGET]);
  await clearFolder(USER, 'INBOX');
});

async function fresh(page: Page): Promise<string> {
  const subject = `Transfer ${randomUUID()}`;
  await appendMessage(USER, await buildMessage({ from: { name: 'Søren', address: 'soren@example.dk' }, to: [`${USER}@sealpost.test`], subject, date: new Date(), text: 'x' }));
  await signIn(page, USER);
  return subject;
}

const list = (page: Page) => page.getByRole('listbox', { name: 'Messages' });
const toolbar = (page: Page) => page.getByRole('toolbar', { name: 'Message actions' });
const folder = (page: Page, name: string | RegExp) => page.getByRole('tree', { name: 'Folders' }).getByRole('treeitem', { name });

test('Move to… picks a folder from the list; the move can be undone', async ({ page }) => {
  const subject = await fresh(page);
  await list(page).getByRole('option', { name: new RegExp(subject) }).click();
  await toolbar(page).getByRole('button', { name: 'Move to…' }).click();
  const dialog = page.getByRole('dialog', { name: 'Move to folder' });
  const options = dialog.getByRole('listbox', { name: 'Destination folders' });
  // The open folder and containers cannot be chosen.
  await expect(options.getByRole('option', { name: 'Inbox' })).toHaveAttribute('aria-disabled', 'true');
  await dialog.getByRole('textbox', { name: 'Filter folders' }).fill('abl');
  await expect(options.getByRole('option')).toHaveCount(1);
  await page.keyboard.press('ArrowDown');
  await expect(options.getByRole('option', { name: TARGET })).toHaveAttribute('aria-selected', 'true');
  await page.keyboard.press('Enter');
  await expect(dialog).toHaveCount(0);
  await expect(list(page).getByRole('option', { name: new RegExp(subject) })).toHaveCount(0);
  // The toolbar that opened the picker went with the message: focus lands on the list.
  await expect(list(page)).toBeFocused();
  const undo = page.getByRole('status').filter({ hasText: `Moved to ${TARGET}.` });
  await expect(undo).toBeVisible();
  expect(await folderSubjects(USER, TARGET)).toEqual([subject]);
  await undo.getByRole('button', { name: 'Undo' }).click();
  await expect(list(page).getByRole('option', { name: new RegExp(subject) })).toBeVisible();
  expect(await folderSubjects(USER, TARGET)).toEqual([]);
});

test('Copy to… leaves the message and puts a copy in the folder; Esc closes the picker', async ({ page }) => {
  const subject = await fresh(page);
  await list(page).getByRole('option', { name: new RegExp(subject) }).click();
  const copyButton = toolbar(page).getByRole('button', { name: 'Copy to…' });
  await copyButton.click();
  let dialog = page.getByRole('dialog', { name: 'Copy to folder' });
  await page.keyboard.press('Escape');
  await expect(dialog).toHaveCount(0);
  await expect(copyButton).toBeFocused();

  await copyButton.click();
  dialog = page.getByRole('dialog', { name: 'Copy to folder' });
  await dialog.getByRole('option', { name: TARGET }).click();
  await dialog.getByRole('button', { name: 'Copy' }).click();
  await expect(dialog).toHaveCount(0);
  await expect(page.getByRole('status').filter({ hasText: `Copied to ${TARGET}.` })).toBeVisible();
  await expect(list(page).getByRole('option', { name: new RegExp(subject) })).toBeVisible();
  expect(await folderSubjects(USER, 'INBOX')).toEqual([subject]);
  expect(await folderSubjects(USER, TARGET)).toEqual([subject]);
  await folder(page, TARGET).click();
  await expect(list(page).getByRole('option', { name: new RegExp(subject) })).toBeVisible();
});

test('dragging a message onto a folder moves it (with undo); holding Ctrl copies', async ({ page }) => {
  const subject = await fresh(page);
  const row = list(page).getByRole('option', { name: new RegExp(subject) });
  await row.dragTo(folder(page, TARGET));
  await expect(row).toHaveCount(0);
  await expect(page.getByRole('status').filter({ hasText: `Moved the message to ${TARGET}.` })).toBeVisible();
  expect(await folderSubjects(USER, TARGET)).toEqual([subject]);
  await page.getByRole('status').filter({ hasText: `Moved the message to ${TARGET}.` }).getByRole('button', { name: 'Undo' }).click();
  await expect(row).toBeVisible();

  await page.keyboard.down('Control');
  await row.dragTo(folder(page, /^Archive/));
  await page.keyboard.up('Control');
  await expect(page.getByRole('status').filter({ hasText: 'Copied the message to Archive.' })).toBeVisible();
  await expect(row).toBeVisible();
  expect(await folderSubjects(USER, 'Archive')).toContain(subject);
  await clearFolder(USER, 'Archive');
});

test('a folder under the pointer is highlighted; drops onto the same folder are refused', async ({ page }) => {
  const subject = await fresh(page);
  const row = list(page).getByRole('option', { name: new RegExp(subject) });
  const inbox = folder(page, /^Inbox/);
  const target = folder(page, TARGET);
  // The drag events a browser sends, with one DataTransfer carried from dragstart to drop.
  const data = await page.evaluateHandle(() => new DataTransfer());
  await row.dispatchEvent('dragstart', { dataTransfer: data });
  await target.dispatchEvent('dragover', { dataTransfer: data });
  await expect(target).toHaveCSS('outline-style', 'dashed');
  await target.dispatchEvent('dragleave', { dataTransfer: data });
  await expect(target).not.toHaveCSS('outline-style', 'dashed');
  await inbox.dispatchEvent('dragover', { dataTransfer: data });
  await expect(inbox).not.toHaveCSS('outline-style', 'dashed');
  await inbox.dispatchEvent('drop', { dataTransfer: data });
  await expect(row).toBeVisible();
  expect(await folderSubjects(USER, 'INBOX')).toEqual([subject]);
});
