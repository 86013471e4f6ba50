import { expect, test } from '@playwright/test';

import { restartStack, stopService } from '../support/stack';

// The IMAP server being down must read differently from a wrong password, and the app must
// recover by itself once the server is back.
test('login while the IMAP server is down says so, and works again once it is back', async ({ page }) => {
  await page.goto('/login');
  stopService('dovecot');
  try {
    await page.getByRole('textbox', { name: 'Username' }).fill('alice');
    await page.getByLabel('Password').fill('alice-pass');
    await page.getByRole('button', { name: 'Sign in' }).click();
    const alert = page.getByRole('form', { name: 'Sign in' }).getByRole('alert');
    await expect(alert).toContainText('The mail server cannot be reached');
    await expect(alert).not.toContainText('Wrong username or password');
  } finally {
    restartStack();
  }
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page).toHaveURL(/\/mail/);
  await expect(page.getByRole('listbox', { name: 'Messages' })).toBeVisible();
});
