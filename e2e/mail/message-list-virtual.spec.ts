import { expect, test } from '@playwright/test';

import { ensureBulkFolder } from '../support/list-mailbox';
import { signIn } from '../support/login';

// heidi's "Ordered 5k": 5,000 generated messages, appended in order, newest (last) first. Position p (0-based) holds
// message 4999 - p, whose subject ends in "#<index>" (see ensureBulkFolder).
const FOLDER = 'Ordered 5k';
const COUNT = 5000;
const ROW_HEIGHT = 60;

test.beforeAll(async () => {
  test.setTimeout(180_000);
  await ensureBulkFolder('heidi', FOLDER, COUNT);
});

const subjectIndex = (position: number) => {
  const i = COUNT - 1 - position;
  return i % 7 === 3 ? i - 1 : i;
};

test('a 5,000-message folder opens with a true scrollbar and only the visible rows in the DOM', async ({ page }) => {
  await signIn(page, 'heidi');
  await page.getByRole('treeitem', { name: new RegExp(`^${FOLDER}`) }).click();
  const pane = page.getByRole('region', { name: FOLDER });
  await expect(pane.getByText('5,000 messages')).toBeVisible();
  const list = pane.getByRole('listbox', { name: 'Messages' });
  await expect(list).toHaveAttribute('aria-multiselectable', 'true');
  const first = list.getByRole('option').first();
  await expect(first).toHaveAttribute('aria-posinset', '1');
  await expect(first).toHaveAttribute('aria-setsize', String(COUNT));
  await expect(first).toContainText(`#${subjectIndex(0)}`);
  expect(await list.evaluate((el) => el.scrollHeight)).toBeGreaterThanOrEqual(COUNT * ROW_HEIGHT);
  expect(await list.getByRole('option').count()).toBeLessThan(60);

  // Jump to the middle by the scrollbar: the middle rows are drawn, by position.
  await list.evaluate((el) => (el.scrollTop = el.scrollHeight / 2));
  const middle = list.locator('[role="option"][aria-posinset="2501"]');
  await expect(middle).toContainText(`#${subjectIndex(2500)}`);
  await expect(list.locator('[role="option"][aria-posinset="2502"]')).toContainText(`#${subjectIndex(2501)}`);
  expect(await list.getByRole('option').count()).toBeLessThan(60);

  // And the very end.
  await list.evaluate((el) => (el.scrollTop = el.scrollHeight));
  await expect(list.locator(`[role="option"][aria-posinset="${COUNT}"]`)).toContainText(`#${subjectIndex(COUNT - 1)}`);
});

test('the keyboard moves across rows that were never loaded', async ({ page }) => {
  await signIn(page, 'heidi');
  await page.getByRole('treeitem', { name: new RegExp(`^${FOLDER}`) }).click();
  const list = page.getByRole('listbox', { name: 'Messages' });
  await list.getByRole('option').first().click();
  await list.press('End');
  const selected = list.locator('[role="option"][aria-selected="true"]');
  await expect(selected).toHaveAttribute('aria-posinset', String(COUNT));
  await expect(selected).toContainText(`#${subjectIndex(COUNT - 1)}`);
  await list.press('ArrowUp');
  await expect(selected).toHaveAttribute('aria-posinset', String(COUNT - 1));
  await list.press('PageUp');
  const afterPageUp = Number(await selected.getAttribute('aria-posinset'));
  expect(afterPageUp).toBeLessThan(COUNT - 2);
  await expect(selected).toContainText(`#${subjectIndex(afterPageUp - 1)}`);
  await list.press('Home');
  await expect(selected).toHaveAttribute('aria-posinset', '1');
  await list.press('PageDown');
  await expect(selected).not.toHaveAttribute('aria-posinset', '1');
  // The reading pane shows the focused message.
  const n = Number(await selected.getAttribute('aria-posinset'));
  await expect(page.getByRole('region', { name: 'Reading pane' }).getByRole('heading', { name: new RegExp(`#${subjectIndex(n - 1)}$`) })).toBeVisible();
});
