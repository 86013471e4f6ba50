import { expect, test } from '@playwright/test';

import { signIn } from '../support/login';

test('a demo user signs in and sees their Inbox', async ({ page }) => {
  await signIn(page, 'alice');
  await expect(page.getByRole('banner').getByText('alice@sealpost.test')).toBeVisible();
  await expect(page.getByRole('heading', { name: 'Inbox' })).toBeVisible();
  await expect(page.getByRole('treeitem', { name: /^Inbox/ })).toHaveAttribute('aria-selected', 'true');
  await expect(page.getByRole('listbox', { name: 'Messages' }).getByRole('option').first()).toBeVisible();
});

test('a wrong password says so and stays on the login page', async ({ page }) => {
  // erin signs in nowhere else, so the slowed-down retries of this test cannot touch other tests.
  await page.goto('/login');
  await page.getByRole('textbox', { name: 'Username' }).fill('erin');
  await page.getByLabel('Password').fill('not-her-password');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('form', { name: 'Sign in' }).getByRole('alert')).toHaveText('Wrong username or password.');
  await expect(page).toHaveURL(/\/login$/);
});

test('signing out returns to the login page and ends the session', async ({ page }) => {
  await signIn(page, 'bob');
  await page.getByRole('button', { name: 'Sign out' }).click();
  await expect(page).toHaveURL(/\/login$/);
  await expect(page.getByRole('heading', { name: 'Sign in to Sealpost' })).toBeVisible();
  // The old cookie no longer opens the mail view.
  await page.goto('/mail');
  await expect(page).toHaveURL(/\/login$/);
});

test('the mail view without a session redirects to the login page', async ({ page }) => {
  await page.goto('/mail');
  await expect(page).toHaveURL(/\/login$/);
  await expect(page.getByRole('heading', { name: 'Sign in to Sealpost' })).toBeVisible();
});

test('the session cookie is HttpOnly and SameSite=Strict', async ({ page, context }) => {
  await signIn(page, 'carol');
  const cookie = (await context.cookies()).find((c) => c.name === 'sealpost_session');
  expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Strict', path: '/' });
  // Not readable by scripts in the page.
  expect(await page.evaluate(() => document.cookie)).not.toContain('sealpost_session');
});
