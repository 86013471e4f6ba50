import { randomUUID } from 'node:crypto';

import { type Page, expect, test } from '@playwright/test';

import { ensureBulkFolder, fillTestFolder, folderSize } from '../support/list-mailbox';
import { signIn } from '../support/login';
import { buildMessage } from '../support/mailbox';

// The conversation view: heidi's own folder with a 3-message thread (a question and two replies
// linked by In-Reply-To/References) and 2 unrelated messages.
async function openThreadFolder(page: Page): Promise<{ folder: string; tag: string }> {
  const tag = randomUUID().slice(0, 8);
  const folder = `Threads ${tag}`;
  const to = ['heidi@sealpost.test'];
  const from = { name: 'Tess Lund', address: 'tess@x.example' };
  const root = `root-${tag}@x.example`;
  const reply = `reply-${tag}@x.example`;
  await fillTestFolder('heidi', folder, [
    { raw: await buildMessage({ from, to, subject: `Trip ${tag}`, messageId: root, date: new Date('2026-11-01T10:00:00Z'), text: 'Where do we go?' }) },
    { raw: await buildMessage({ from: { name: 'Otto Single', address: 'otto@x.example' }, to, subject: `Invoice ${tag}`, date: new Date('2026-11-02T10:00:00Z'), text: 'alone' }), flags: ['\\Seen'] },
    { raw: await buildMessage({ from: { name: 'Uma Reply', address: 'uma@x.example' }, to, subject: `Re: Trip ${tag}`, messageId: reply, inReplyTo: root, references: [root], date: new Date('2026-11-03T10:00:00Z'), text: 'The coast.' }) },
    { raw: await buildMessage({ from: { name: 'Pia Single', address: 'pia@x.example' }, to, subject: `Lunch ${tag}`, date: new Date('2026-11-04T10:00:00Z'), text: 'alone too' }) },
    { raw: await buildMessage({ from, to, subject: `Re: Re: Trip ${tag}`, inReplyTo: reply, references: [root, reply], date: new Date('2026-11-05T10:00:00Z'), text: 'Agreed.' }) },
  ]);
  await signIn(page, 'heidi');
  await page.getByRole('tree', { name: 'Folders' }).getByRole('treeitem', { name: new RegExp(`^${folder}`) }).click();
  await expect(page.getByRole('region', { name: folder }).getByText('5 messages')).toBeVisible();
  return { folder, tag };
}

test('Conversations groups a thread into one row that expands, and Delete on it moves the whole thread with undo', async ({ page }) => {
  const { folder, tag } = await openThreadFolder(page);
  const conversations = page.getByRole('checkbox', { name: 'Conversations' });
  await expect(conversations).toBeEnabled();
  await conversations.check();

  const messages = page.getByRole('tree', { name: 'Messages' });
  const rows = messages.getByRole('treeitem');
  await expect(rows).toHaveCount(3);
  await expect(page.getByRole('region', { name: folder }).getByText('3 conversations')).toBeVisible();
  // Newest activity first: the thread (its last reply arrived last), then Lunch, then Invoice.
  const thread = messages.getByRole('treeitem', { name: /3 messages/ });
  await expect(thread).toHaveAccessibleName(new RegExp(`Re: Re: Trip ${tag}`));
  await expect(rows.first()).toHaveAccessibleName(/3 messages/);
  await expect(thread).toHaveAttribute('aria-level', '1');
  await expect(thread).toHaveAttribute('aria-expanded', 'false');
  await expect(messages.getByRole('treeitem', { name: new RegExp(`Lunch ${tag}`) })).not.toHaveAttribute('aria-expanded');

  // Selecting the thread row opens its newest message.
  await thread.click();
  await expect(page.getByRole('region', { name: 'Reading pane' }).getByRole('heading', { name: `Re: Re: Trip ${tag}` })).toBeVisible();

  // ArrowRight expands: the thread's three messages below it, newest first; ArrowLeft collapses.
  await messages.press('ArrowRight');
  await expect(thread).toHaveAttribute('aria-expanded', 'true');
  const children = messages.locator('[role="treeitem"][aria-level="2"]');
  await expect(children).toHaveCount(3);
  await expect(rows).toHaveCount(6);
  await expect(children.nth(0)).toHaveAccessibleName(new RegExp(`Re: Re: Trip ${tag}`));
  await expect(children.nth(2)).toHaveAccessibleName(new RegExp(`Trip ${tag}`));
  // Down into a child opens that message.
  await messages.press('ArrowDown');
  await messages.press('ArrowDown');
  await messages.press('ArrowDown');
  await expect(children.nth(2)).toHaveAttribute('aria-selected', 'true');
  await expect(page.getByRole('region', { name: 'Reading pane' }).getByRole('heading', { name: `Trip ${tag}`, exact: true })).toBeVisible();
  await messages.press('ArrowLeft'); // to the thread row
  await expect(thread).toHaveAttribute('aria-selected', 'true');
  await messages.press('ArrowLeft'); // collapse
  await expect(thread).toHaveAttribute('aria-expanded', 'false');
  await expect(rows).toHaveCount(3);

  // The pointer toggle does the same.
  await thread.getByTitle('Expand conversation').click();
  await expect(children).toHaveCount(3);
  await thread.getByTitle('Collapse conversation').click();
  await expect(children).toHaveCount(0);

  // Delete on the selected thread row moves all three messages to Trash, and Undo brings them back.
  await thread.click();
  await page.getByRole('toolbar', { name: 'Message actions' }).getByRole('button', { name: 'Delete' }).click();
  const undo = page.getByRole('status').filter({ hasText: 'Moved to Trash.' });
  await expect(undo).toBeVisible();
  await expect(rows).toHaveCount(2);
  await expect(thread).toHaveCount(0);
  await expect.poll(() => folderSize('heidi', folder)).toBe(2);

  await undo.getByRole('button', { name: 'Undo' }).click();
  await expect(rows).toHaveCount(3);
  await expect(messages.getByRole('treeitem', { name: /3 messages/ })).toBeVisible();
  await expect.poll(() => folderSize('heidi', folder)).toBe(5);
});

test('Conversations combine with search and stay on after a reload', async ({ page }) => {
  const { tag } = await openThreadFolder(page);
  await page.getByRole('checkbox', { name: 'Conversations' }).check();
  const messages = page.getByRole('tree', { name: 'Messages' });
  await expect(messages.getByRole('treeitem')).toHaveCount(3);
  const box = page.getByRole('searchbox', { name: 'Search mail' });
  await box.fill('Trip');
  await box.press('Enter');
  await expect(messages.getByRole('treeitem')).toHaveCount(1);
  await expect(messages.getByRole('treeitem', { name: /3 messages/ })).toBeVisible();
  await expect(page.getByRole('combobox', { name: 'Sort by' })).toBeDisabled();

  await page.reload();
  await expect(page.getByRole('checkbox', { name: 'Conversations' })).toBeChecked();
  await page.getByRole('checkbox', { name: 'Conversations' }).uncheck();
  await expect(page.getByRole('listbox', { name: 'Messages' })).toBeVisible();
  expect(tag).toBeTruthy();
});

test('a 5,000-message folder threads into 4,286 conversations and stays virtual', async ({ page }) => {
  // heidi's "Ordered 5k" (see message-list-virtual.spec.ts): every 7th message from #3 on
  // replies to the one before it, so 714 pairs and 3,572 singles.
  test.setTimeout(180_000);
  await ensureBulkFolder('heidi', 'Ordered 5k', 5000);
  await signIn(page, 'heidi');
  await page.getByRole('tree', { name: 'Folders' }).getByRole('treeitem', { name: /^Ordered 5k/ }).click();
  const pane = page.getByRole('region', { name: 'Ordered 5k' });
  await expect(pane.getByText('5,000 messages')).toBeVisible();
  await page.getByRole('checkbox', { name: 'Conversations' }).check();
  await expect(pane.getByText('4,286 conversations')).toBeVisible();
  const list = pane.getByRole('tree', { name: 'Messages' });
  expect(await list.evaluate((el) => el.scrollHeight)).toBeGreaterThanOrEqual(4286 * 60);
  // The sixth conversation is the newest pair: #4994 answering #4993.
  const pair = list.locator('[role="treeitem"][aria-posinset="6"]');
  await expect(pair).toHaveAccessibleName(/2 messages/);
  await expect(pair).toContainText('#4993');
  await pair.click();
  await list.press('ArrowRight');
  await expect(list.locator('[role="treeitem"][aria-level="2"]')).toHaveCount(2);
  // The row after the pair is the seventh conversation, below its two children.
  await list.press('ArrowDown');
  await list.press('ArrowDown');
  await list.press('ArrowDown');
  await expect(list.locator('[role="treeitem"][aria-selected="true"]')).toHaveAttribute('aria-posinset', '7');

  // Jump to the middle and to the end: drawn by position, never the whole list.
  await list.evaluate((el) => (el.scrollTop = el.scrollHeight / 2));
  await expect(list.locator('[role="treeitem"][aria-posinset="2144"]')).toBeVisible();
  expect(await list.getByRole('treeitem').count()).toBeLessThan(60);
  await list.press('End');
  await expect(list.locator('[role="treeitem"][aria-selected="true"]')).toHaveAttribute('aria-posinset', '4286');
  await expect(list.locator('[role="treeitem"][aria-selected="true"]')).toContainText('#0');
});
