import { expect, test } from '@playwright/test';

import { signIn } from '../support/login';

const SPECIAL = ['Inbox', 'Drafts', 'Sent', 'Archive', 'Junk', 'Trash'];

test('the folder tree lists the special-use folders first, in order, with unread counts', async ({ page }) => {
  await signIn(page, 'alice');
  const tree = page.getByRole('navigation', { name: 'Folders' }).getByRole('tree', { name: 'Folders' });
  const items = tree.getByRole('treeitem');
  await expect(items.first()).toBeVisible();
  // The accessible name is the folder's name, then ", N unread" when it has unread mail.
  for (const [i, name] of SPECIAL.entries()) {
    await expect(items.nth(i)).toHaveAccessibleName(new RegExp(`^${name}(, \\d+ unread)?$`));
  }
  // The seeded Inbox has unread mail, and it is the open folder.
  const inbox = tree.getByRole('treeitem', { name: /^Inbox, \d+ unread$/ });
  await expect(inbox).toBeVisible();
  await expect(inbox).toHaveAttribute('aria-selected', 'true');
});

test('choosing Sent shows the messages the user sent', async ({ page }) => {
  await signIn(page, 'alice');
  const sent = page.getByRole('treeitem', { name: /^Sent/ });
  await sent.click();
  await expect(sent).toHaveAttribute('aria-selected', 'true');
  await expect(page.getByRole('heading', { name: 'Sent' })).toBeVisible();
  const list = page.getByRole('listbox', { name: 'Messages' });
  await expect(list.getByRole('option').first()).toBeVisible();
  // Every seeded message in Sent is from Alice.
  await expect.poll(() => list.getByRole('option').count()).toBeGreaterThan(10);
  // Seeded mail names her; mail sent from the composer (compose.spec) shows her address.
  for (const row of await list.getByRole('option').allInnerTexts()) expect(row).toMatch(/^(Alice Liddell|alice@sealpost\.test)/);
  // Back to the Inbox: its messages again.
  await page.getByRole('treeitem', { name: /^Inbox/ }).click();
  await expect(list.getByRole('option').first()).toContainText('Welcome to Sealpost, Alice!');
});
