import { expect, test } from '@playwright/test';

import { signIn } from '../support/login';

test('the folder tree lists the special-use folders first, in order, with unread counts', async ({ page }) => {
  await signIn(page, 'alice');
  const tree = page.getByRole('navigation', { name: 'Folders' }).getByRole('tree', { name: 'Folders' });
  // The accessible name is the folder's name, then ", N unread" when it has unread mail.
  const names = await tree.getByRole('treeitem').evaluateAll((items) =>
    items.map((i) => i.getAttribute('aria-label')?.replace(/, \d+ unread$/, '')),
  );
  expect(names.slice(0, 6)).toEqual(['Inbox', 'Drafts', 'Sent', 'Archive', 'Junk', 'Trash']);
  // The seeded Inbox has unread mail; its accessible name says how much.
  await expect(tree.getByRole('treeitem', { name: /^Inbox, \d+ unread$/ })).toBeVisible();
  await expect(tree.getByRole('treeitem', { name: /^Inbox/ })).toHaveAttribute('aria-selected', 'true');
});

test('choosing Sent shows the messages the user sent', async ({ page }) => {
  await signIn(page, 'alice');
  await page.getByRole('treeitem', { name: /^Sent/ }).click();
  await expect(page.getByRole('heading', { name: 'Sent' })).toBeVisible();
  const list = page.getByRole('listbox', { name: 'Messages' });
  await expect(list.getByRole('option').first()).toBeVisible();
  // Every seeded message in Sent is from Alice.
  const rows = await list.getByRole('option').allInnerTexts();
  expect(rows.length).toBeGreaterThan(10);
  for (const row of rows) expect(row.startsWith('Alice Liddell')).toBe(true);
});
