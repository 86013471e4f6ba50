import { randomUUID } from 'node:crypto';

import { type Page, expect, test } from '@playwright/test';

import { clearFolder, folderPaths, folderSubjects, resetFolders } from '../support/folders';
import { signIn } from '../support/login';
import { appendMessage, buildMessage } from '../support/mailbox';

// Creating, renaming and deleting folders and emptying Trash, as frank (a mailbox-only user).
test.describe.configure({ mode: 'serial' });
const USER = 'frank';

test.beforeEach(async () => {
  await resetFolders(USER);
});

const tree = (page: Page) => page.getByRole('tree', { name: 'Folders' });
const folderActions = (page: Page) => page.getByRole('toolbar', { name: 'Folder actions' });

async function message(folder: string, subject = `Folder test ${randomUUID()}`) {
  await appendMessage(USER, await buildMessage({ from: { name: 'Zoë', address: 'zoe@example.org' }, to: [`${USER}@sealpost.test`], subject, date: new Date(), text: 'x' }), { folder });
  return subject;
}

async function createFolder(page: Page, name: string, parent?: string) {
  await folderActions(page).getByRole('button', { name: 'New folder' }).click();
  const dialog = page.getByRole('dialog', { name: 'New folder' });
  await dialog.getByRole('textbox', { name: 'Folder name' }).fill(name);
  if (parent) await dialog.getByRole('combobox', { name: 'Create in' }).selectOption({ label: parent });
  await dialog.getByRole('button', { name: 'Create' }).click();
  await expect(dialog).toHaveCount(0);
}

test('create a folder and a subfolder with Unicode names, rename the parent, delete it with its messages', async ({ page }) => {
  await signIn(page, USER);
  await createFolder(page, 'Öffentlich 山田');
  await expect(page.getByRole('status').filter({ hasText: 'Created folder "Öffentlich 山田".' })).toBeVisible();
  await expect(tree(page).getByRole('treeitem', { name: 'Öffentlich 山田' })).toHaveAttribute('aria-level', '1');
  await createFolder(page, 'Entwürfe', 'Öffentlich 山田');
  const child = tree(page).getByRole('treeitem', { name: 'Entwürfe' });
  await expect(child).toHaveAttribute('aria-level', '2');
  expect(await folderPaths(USER)).toEqual(expect.arrayContaining(['Öffentlich 山田', 'Öffentlich 山田/Entwürfe']));

  // Open the subfolder, rename its parent: the subfolder stays open under the new path.
  const subject = await message('Öffentlich 山田/Entwürfe');
  await child.click();
  await expect(page.getByRole('listbox', { name: 'Messages' }).getByRole('option', { name: new RegExp(subject) })).toBeVisible();
  await tree(page).getByRole('treeitem', { name: 'Öffentlich 山田' }).click();
  await folderActions(page).getByRole('button', { name: 'Rename folder' }).click();
  const rename = page.getByRole('dialog', { name: 'Rename folder' });
  await expect(rename.getByRole('textbox', { name: 'Folder name' })).toHaveValue('Öffentlich 山田');
  await rename.getByRole('textbox', { name: 'Folder name' }).fill('Geteilt');
  await rename.getByRole('button', { name: 'Rename' }).click();
  await expect(rename).toHaveCount(0);
  await expect(page.getByRole('status').filter({ hasText: 'Renamed "Öffentlich 山田" to "Geteilt".' })).toBeVisible();
  const renamed = tree(page).getByRole('treeitem', { name: 'Geteilt' });
  await expect(renamed).toHaveAttribute('aria-selected', 'true');
  await expect(tree(page).getByRole('treeitem', { name: 'Öffentlich 山田' })).toHaveCount(0);
  expect(await folderPaths(USER)).toEqual(expect.arrayContaining(['Geteilt', 'Geteilt/Entwürfe']));

  // Delete: the dialog counts the messages in the folder and its subfolders.
  await folderActions(page).getByRole('button', { name: 'Delete folder' }).click();
  const del = page.getByRole('dialog', { name: 'Delete folder' });
  await expect(del).toContainText('"Geteilt" and its 1 subfolder hold 1 message.');
  await expect(del.getByRole('button', { name: 'Cancel' })).toBeFocused();
  await del.getByRole('button', { name: 'Delete folder and 1 message' }).click();
  await expect(del).toHaveCount(0);
  await expect(page.getByRole('status').filter({ hasText: 'Deleted folder "Geteilt".' })).toBeVisible();
  await expect(tree(page).getByRole('treeitem', { name: 'Geteilt' })).toHaveCount(0);
  await expect(tree(page).getByRole('treeitem', { name: /^Inbox/ })).toHaveAttribute('aria-selected', 'true');
  expect((await folderPaths(USER)).filter((p) => p.startsWith('Geteilt'))).toEqual([]);
});

test('bad names are refused with a clear message and nothing is lost; Esc cancels and focus returns', async ({ page }) => {
  await resetFolders(USER, ['Projects']);
  await signIn(page, USER);
  const open = folderActions(page).getByRole('button', { name: 'New folder' });
  await open.click();
  const dialog = page.getByRole('dialog', { name: 'New folder' });
  const name = dialog.getByRole('textbox', { name: 'Folder name' });
  await expect(name).toBeFocused();
  await name.fill('a/b');
  await dialog.getByRole('button', { name: 'Create' }).click();
  await expect(dialog.getByRole('alert')).toHaveText('Folder names cannot contain "/": it separates folders from subfolders.');
  await name.fill('Projects');
  await dialog.getByRole('button', { name: 'Create' }).click();
  await expect(dialog.getByRole('alert')).toHaveText('A folder with that name already exists there.');
  await expect(name).toHaveValue('Projects');
  // Focus stays in the dialog: Tab cycles through its controls only.
  for (let i = 0; i < 6; i++) {
    await page.keyboard.press('Tab');
    expect(await dialog.evaluate((d) => d.contains(document.activeElement))).toBe(true);
  }
  await page.keyboard.press('Escape');
  await expect(dialog).toHaveCount(0);
  await expect(open).toBeFocused();
  expect(await folderPaths(USER)).not.toContain('a/b');
});

test('Inbox and the special folders cannot be renamed or deleted', async ({ page }) => {
  await signIn(page, USER);
  for (const name of [/^Inbox/, /^Sent/, /^Trash/]) {
    await tree(page).getByRole('treeitem', { name }).click();
    await expect(folderActions(page).getByRole('button', { name: 'Rename folder' })).toBeDisabled();
    await expect(folderActions(page).getByRole('button', { name: 'Delete folder' })).toBeDisabled();
  }
  // The API refuses too.
  const res = await page.request.delete('/api/folders', { data: { path: 'INBOX', messages: 1000 } });
  expect(res.status()).toBe(403);
  expect((await res.json()).error.code).toBe('folder-protected');
});

test('Empty Trash names the count and deletes only the messages that were there when confirmed', async ({ page }) => {
  await clearFolder(USER, 'Trash');
  const old = [await message('Trash'), await message('Trash')];
  await signIn(page, USER);
  await tree(page).getByRole('treeitem', { name: /^Trash/ }).click();
  const list = page.getByRole('listbox', { name: 'Messages' });
  await expect(list.getByRole('option')).toHaveCount(2);
  await folderActions(page).getByRole('button', { name: 'Empty Trash' }).click();
  const dialog = page.getByRole('dialog', { name: 'Empty Trash' });
  await expect(dialog).toContainText('Delete the 2 messages in Trash for good?');
  // Mail that arrives while the dialog is open stays.
  const late = await message('Trash', `Late ${randomUUID()}`);
  await dialog.getByRole('button', { name: 'Delete 2 messages' }).click();
  await expect(dialog).toHaveCount(0);
  await expect(page.getByRole('status').filter({ hasText: 'Deleted 2 messages from Trash for good.' })).toBeVisible();
  await expect(list.getByRole('option')).toHaveCount(1);
  await expect(list.getByRole('option', { name: new RegExp(late) })).toBeVisible();
  const left = await folderSubjects(USER, 'Trash');
  expect(left).toEqual([late]);
  for (const s of old) expect(left).not.toContain(s);
});
