import { randomUUID } from 'node:crypto';

import { type Page, expect, test } from '@playwright/test';

import { signIn } from '../support/login';
import { appendMessage, buildMessage } from '../support/mailbox';

// Keyboard shortcuts in the mail view. olivia's mailbox is this area's own; each test puts its
// messages in first, newest last.
test.describe.configure({ mode: 'serial' });

async function threeMessages(page: Page): Promise<string[]> {
  const tag = randomUUID().slice(0, 8);
  const subjects = ['first', 'second', 'third'].map((n) => `Keys ${n} ${tag}`);
  for (const [i, subject] of subjects.entries()) {
    await appendMessage('olivia', await buildMessage({ from: { name: 'Niaj Keys', address: 'niaj@sealpost.test' }, to: ['olivia@sealpost.test'], subject, date: new Date(Date.now() + i * 1000), text: `body of ${subject}` }));
  }
  await signIn(page, 'olivia');
  // Newest first: third, second, first.
  await expect(page.getByRole('listbox', { name: 'Messages' }).getByRole('option').first()).toContainText(subjects[2]!);
  return subjects.reverse();
}

const option = (page: Page, subject: string) => page.getByRole('listbox', { name: 'Messages' }).getByRole('option', { name: new RegExp(subject) });

/** Focus leaves every control (a click on plain text): shortcuts then go to the page. */
async function focusPage(page: Page) {
  await page.getByRole('heading', { name: 'Inbox' }).click();
}

test('j/k and the arrow keys move through the list; Enter opens the selected message', async ({ page }) => {
  const [newest, middle] = await threeMessages(page);
  await focusPage(page);
  await page.keyboard.press('j');
  await expect(option(page, newest!)).toHaveAttribute('aria-selected', 'true');
  await page.keyboard.press('j');
  await expect(option(page, middle!)).toHaveAttribute('aria-selected', 'true');
  await page.keyboard.press('k');
  await expect(option(page, newest!)).toHaveAttribute('aria-selected', 'true');
  await page.keyboard.press('ArrowDown');
  await expect(option(page, middle!)).toHaveAttribute('aria-selected', 'true');
  await page.keyboard.press('Enter');
  const article = page.getByRole('article', { name: 'Message' });
  await expect(article.getByRole('heading', { name: middle! })).toBeVisible();
  await page.keyboard.press('Escape');
  await expect(article.getByRole('heading', { name: middle! })).toBeVisible();
});

test('? and the header button open the shortcuts dialog; Esc closes it and focus returns', async ({ page }) => {
  await threeMessages(page);
  await focusPage(page);
  await page.keyboard.press('?');
  const dialog = page.getByRole('dialog', { name: 'Keyboard shortcuts' });
  await expect(dialog).toBeVisible();
  for (const text of ['Next message', 'Previous message', 'Reply', 'Reply all', 'Forward', 'New message', 'Search', 'Show keyboard shortcuts']) {
    await expect(dialog.getByRole('cell', { name: text, exact: true })).toBeVisible();
  }
  await expect(dialog.getByRole('button', { name: 'Close' })).toBeFocused();
  // Inside the dialog other shortcuts do nothing.
  await page.keyboard.press('c');
  await expect(page.getByRole('dialog', { name: 'New message' })).toHaveCount(0);
  await page.keyboard.press('Escape');
  await expect(dialog).toHaveCount(0);

  const button = page.getByRole('banner').getByRole('button', { name: 'Keyboard shortcuts' });
  await button.click();
  await expect(dialog).toBeVisible();
  await dialog.getByRole('button', { name: 'Close' }).click();
  await expect(dialog).toHaveCount(0);
  await expect(button).toBeFocused();
});

test('c opens a new message; r, a and f open the composer on the selected message', async ({ page }) => {
  const [newest] = await threeMessages(page);
  await focusPage(page);
  await page.keyboard.press('c');
  const composer = page.getByRole('dialog');
  await expect(composer).toBeVisible();
  // Typing in the composer is text, not shortcuts.
  await composer.getByRole('textbox', { name: 'Subject' }).fill('');
  await composer.getByRole('textbox', { name: 'Subject' }).pressSequentially('jk?');
  await expect(composer.getByRole('textbox', { name: 'Subject' })).toHaveValue('jk?');
  await expect(page.getByRole('dialog', { name: 'Keyboard shortcuts' })).toHaveCount(0);
  await composer.getByRole('button', { name: 'Discard' }).click();
  // Something was typed: discarding asks whether to delete the draft.
  await page.getByRole('alertdialog', { name: 'Discard this message?' }).getByRole('button', { name: 'Delete draft' }).click();
  await expect(composer).toHaveCount(0);

  await option(page, newest!).click();
  for (const key of ['r', 'a', 'f']) {
    await page.keyboard.press(key);
    await expect(composer).toBeVisible();
    await composer.getByRole('button', { name: 'Discard' }).click();
    await expect(composer).toHaveCount(0);
  }
});

test('/ focuses the search box; Delete moves the selected message to Trash', async ({ page }) => {
  const [newest, middle] = await threeMessages(page);
  await option(page, newest!).click();
  await focusPage(page);
  await page.keyboard.press('/');
  await expect(page.getByRole('searchbox', { name: 'Search mail' })).toBeFocused();
  await focusPage(page);
  await page.keyboard.press('Delete');
  await expect(option(page, newest!)).toHaveCount(0);
  await expect(page.getByRole('status').filter({ hasText: 'Moved to Trash.' })).toBeVisible();
  await expect(option(page, middle!)).toHaveAttribute('aria-selected', 'true');
});
