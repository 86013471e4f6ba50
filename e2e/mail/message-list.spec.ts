import { expect, test } from '@playwright/test';

import { signIn } from '../support/login';

test('the Inbox lists the newest message first, and many rows', async ({ page }) => {
  // dave: the integration tests deliver new mail to bob and carol before the e2e tests run.
  await signIn(page, 'dave');
  const list = page.getByRole('region', { name: 'Inbox' }).getByRole('listbox', { name: 'Messages' });
  const first = list.getByRole('option').first();
  await expect(first).toContainText('Welcome to Sealpost, Dave!');
  await expect(first.getByRole('img', { name: 'Unread' })).toBeVisible();
  // The list is virtualized: every option says its place in the whole folder (aria-setsize),
  // while the DOM holds only the rows in view.
  expect(Number(await first.getAttribute('aria-setsize'))).toBeGreaterThanOrEqual(100);
  await expect(first).toHaveAttribute('aria-posinset', '1');
});

test('clicking a message selects it', async ({ page }) => {
  await signIn(page, 'bob');
  const second = page.getByRole('listbox', { name: 'Messages' }).getByRole('option').nth(1);
  await second.click();
  await expect(second).toHaveAttribute('aria-selected', 'true');
});

test('scrolling to the end of the list loads the oldest messages', async ({ page }) => {
  await signIn(page, 'carol');
  const list = page.getByRole('listbox', { name: 'Messages' });
  const first = list.getByRole('option').first();
  await expect(first).toHaveAttribute('aria-posinset', '1');
  const total = await first.getAttribute('aria-setsize');
  await list.evaluate((el) => el.scrollTo(0, el.scrollHeight));
  await expect(list.locator(`[role="option"][aria-posinset="${total}"]`)).toBeVisible();
  expect(await list.getByRole('option').count()).toBeLessThan(60);
});

test('non-ASCII senders and subjects are shown decoded', async ({ page }) => {
  await signIn(page, 'alice');
  const list = page.getByRole('listbox', { name: 'Messages' });
  await expect(list.getByText(/[ØøÜüÖöŁłŻżÑñ]/).first()).toBeVisible();
  await expect(list.getByText('=?UTF-8?')).toHaveCount(0);
});
