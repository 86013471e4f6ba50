import { type Locator, type Page, expect } from '@playwright/test';

import { type DemoUser, demoP12 } from './smime-pki';

// What a user does in the browser to use S/MIME: import their PKCS#12 in Settings, "Your
// certificates", and send a signed message. Each Playwright context has its own IndexedDB, so a
// test imports the keys it needs.

/** Imports the demo user's PKCS#12 (the signed-in user's) and closes Settings. */
export async function importIdentity(page: Page, user: DemoUser): Promise<void> {
  const { file, password } = await demoP12(user);
  await page.getByRole('banner').getByRole('button', { name: 'Settings' }).click();
  const dialog = page.getByRole('dialog', { name: 'Settings' });
  await dialog.getByRole('tab', { name: 'Your certificates' }).click();
  const form = dialog.getByRole('form', { name: 'Import a PKCS#12 file' });
  await form.getByLabel('PKCS#12 file (.p12, .pfx)').setInputFiles(file);
  await form.getByLabel('File password').fill(password);
  await form.getByRole('button', { name: 'Read file' }).click();
  await dialog.getByRole('region', { name: 'File contents' }).getByRole('button', { name: 'Save' }).click();
  await expect(dialog.getByRole('status', { name: 'Certificate notices' })).toHaveText('Saved 1 certificate with its private key.');
  await dialog.getByRole('button', { name: 'Close' }).last().click();
  await expect(dialog).toHaveCount(0);
}

type Outgoing = { to: string; subject: string; body: string; sign?: boolean; encrypt?: boolean };

/** Writes a message with the composer's Security toggles as asked and presses Send; returns the composer (a PIN or unlock dialog may come next). */
export async function pressSend(page: Page, { to, subject, body, sign = false, encrypt = false }: Outgoing): Promise<Locator> {
  await page.getByRole('button', { name: 'New message' }).click();
  const dialog = page.getByRole('dialog', { name: 'New message' });
  await dialog.getByRole('combobox', { name: 'To' }).fill(to);
  await dialog.getByRole('textbox', { name: 'Subject' }).fill(subject);
  await dialog.getByRole('textbox', { name: 'Message' }).fill(body);
  const security = dialog.getByRole('group', { name: 'Security' });
  await setToggle(security.getByRole('button', { name: 'Sign' }), sign);
  await setToggle(security.getByRole('button', { name: 'Encrypt' }), encrypt);
  await dialog.getByRole('button', { name: 'Send' }).click();
  return dialog;
}

/** pressSend, then waits for "Message sent.". */
export async function sendMessage(page: Page, outgoing: Outgoing): Promise<void> {
  await pressSend(page, outgoing);
  await expect(page.getByRole('status').filter({ hasText: 'Message sent.' })).toBeVisible({ timeout: 30_000 });
}

async function setToggle(toggle: Locator, on: boolean): Promise<void> {
  await expect(toggle).toBeEnabled();
  if ((await toggle.getAttribute('aria-pressed')) !== String(on)) await toggle.click();
  await expect(toggle).toHaveAttribute('aria-pressed', String(on));
}

/** Opens the message whose row names `subject`; returns its row, the reading pane and the app's banner. */
export async function openMessage(page: Page, subject: string) {
  const row = page.getByRole('listbox', { name: 'Messages' }).getByRole('option', { name: new RegExp(escapeRegExp(subject)) });
  await row.click();
  const pane = page.getByRole('region', { name: 'Reading pane' });
  await expect(pane.getByRole('heading', { name: subject })).toBeVisible();
  return { row, pane, banner: pane.getByRole('region', { name: 'Message security' }) };
}

export const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

export const messageBody = (page: Page) => page.frameLocator('iframe[title="Message body"]');
