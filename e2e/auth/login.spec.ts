import { randomUUID } from 'node:crypto';

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

test('repeated wrong passwords for one username are slowed down', async ({ page }) => {
  test.setTimeout(60_000);
  // A username of this test's own: nobody else's failures count against it.
  const username = `nobody-${randomUUID().slice(0, 8)}`;
  await page.goto('/login');
  const form = page.getByRole('form', { name: 'Sign in' });
  const attempt = async () => {
    await page.getByRole('textbox', { name: 'Username' }).fill(username);
    await page.getByLabel('Password').fill('wrong');
    const answered = page.waitForResponse((r) => new URL(r.url()).pathname === '/api/session' && r.request().method() === 'POST');
    const started = Date.now();
    await page.getByRole('button', { name: 'Sign in' }).click();
    expect((await answered).status()).toBe(401);
    const took = Date.now() - started;
    await expect(form.getByRole('alert')).toHaveText('Wrong username or password.');
    await expect(page.getByRole('button', { name: 'Sign in' })).toBeEnabled();
    return took;
  };
  const first = await attempt();
  await attempt(); // waits 0.5 s
  await attempt(); // waits 1 s
  const fourth = await attempt(); // waits 2 s before the password is even checked
  expect(fourth).toBeGreaterThanOrEqual(2000);
  expect(fourth - first).toBeGreaterThanOrEqual(1500);
});
