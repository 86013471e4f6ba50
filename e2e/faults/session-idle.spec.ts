import { expect, test } from '@playwright/test';

import { type SecondApp, startSecondApp } from '../support/second-app';

// A session ends after SEALPOST_SESSION_IDLE_MINUTES without activity. The app under test keeps
// the default (30 minutes), so this test starts a second server with 1 minute and waits it out.
let app: SecondApp;

test.beforeAll(async () => {
  app = await startSecondApp({ SEALPOST_SESSION_IDLE_MINUTES: '1' });
});

test.afterAll(async () => {
  await app?.stop();
});

test('an idle session ends: the next action lands on the login page, which says why', async ({ page }) => {
  test.setTimeout(150_000);
  await page.goto(`${app.url}/login`);
  await page.getByRole('textbox', { name: 'Username' }).fill('trent');
  await page.getByLabel('Password').fill('trent-pass');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page).toHaveURL(/\/mail$/);
  await expect(page.getByRole('tree', { name: 'Folders' })).toBeVisible();

  // The open page keeps its live-update stream, which does not count as activity.
  await page.waitForTimeout(65_000);
  await page.getByRole('treeitem', { name: /^Sent/ }).click();
  await expect(page).toHaveURL(/\/login\?ended=1$/);
  await expect(page.getByRole('form', { name: 'Sign in' }).getByRole('status')).toHaveText('Your session ended. Sign in again to go on.');

  // The cookie no longer opens the mail view.
  await page.goto(`${app.url}/mail`);
  await expect(page).toHaveURL(/\/login/);
});
