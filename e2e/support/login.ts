import { type Page, expect } from '@playwright/test';

/** Signs in through the login form, as a user would, and waits for the mail view. */
export async function signIn(page: Page, username: string, password = `${username}-pass`): Promise<void> {
  await page.goto('/login');
  await page.getByRole('textbox', { name: 'Username' }).fill(username);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page).toHaveURL(/\/mail$/);
}
