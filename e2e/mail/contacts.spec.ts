import { randomUUID } from 'node:crypto';

import { type Page, expect, test } from '@playwright/test';

import { signIn } from '../support/login';

// Address completion in the composer's To/Cc/Bcc fields. sybil and trent are this area's
// mailbox-only users (not in the directory); Carol and Bob are read from the directory only.

async function openComposer(page: Page) {
  await page.getByRole('button', { name: 'New message' }).click();
  return page.getByRole('dialog', { name: 'New message' });
}

test('typing "car" offers Carol from the directory, and the keyboard inserts her', async ({ page }) => {
  await signIn(page, 'sybil');
  const dialog = await openComposer(page);
  const to = dialog.getByRole('combobox', { name: 'To' });
  await expect(to).toHaveAttribute('aria-autocomplete', 'list');
  await expect(to).toHaveAttribute('aria-expanded', 'false');
  await to.pressSequentially('car');

  const list = dialog.getByRole('listbox', { name: 'To suggestions' });
  const carol = list.getByRole('option', { name: 'Carol Müller <carol@sealpost.test> Directory' });
  await expect(carol).toBeVisible();
  await expect(to).toHaveAttribute('aria-expanded', 'true');
  await expect(to).toHaveAttribute('aria-controls', (await list.getAttribute('id'))!);

  // Recent correspondents come first (earlier tests may have left some): arrow down to Carol.
  const options = list.getByRole('option');
  const index = (await options.allTextContents()).findIndex((t) => t.startsWith('Carol Müller <carol@sealpost.test>'));
  for (let i = 0; i <= index; i++) await to.press('ArrowDown');
  await expect(carol).toHaveAttribute('aria-selected', 'true');
  await expect(options.and(page.locator('[aria-selected="true"]'))).toHaveCount(1);
  await expect(to).toHaveAttribute('aria-activedescendant', (await carol.getAttribute('id'))!);
  await to.press('Enter');
  await expect(to).toHaveValue('Carol Müller <carol@sealpost.test>, ');
  await expect(to).toHaveAttribute('aria-expanded', 'false');
  await expect(list).toBeHidden();
  await expect(dialog).toBeVisible(); // Enter took the suggestion; it did not send

  // The next recipient completes after the first; Escape closes the list, not the dialog.
  await to.pressSequentially('bo');
  await expect(list.getByRole('option', { name: /^Bob Ødegård <bob@sealpost\.test>/ })).toBeVisible();
  await to.press('Escape');
  await expect(list).toBeHidden();
  await expect(dialog).toBeVisible();
  await expect(to).toHaveValue('Carol Müller <carol@sealpost.test>, bo');
});

test('a suggestion can be picked with the mouse, in Cc and Bcc too', async ({ page }) => {
  await signIn(page, 'sybil');
  const dialog = await openComposer(page);
  const cc = dialog.getByRole('combobox', { name: 'Cc', exact: true });
  await cc.pressSequentially('bob@');
  await dialog.getByRole('listbox', { name: 'Cc suggestions', exact: true }).getByRole('option', { name: /^Bob Ødegård <bob@sealpost\.test>/ }).click();
  await expect(cc).toHaveValue('Bob Ødegård <bob@sealpost.test>, ');
  await expect(cc).toBeFocused();

  const bcc = dialog.getByRole('combobox', { name: 'Bcc' });
  await bcc.pressSequentially('ødeg');
  await expect(dialog.getByRole('listbox', { name: 'Bcc suggestions' }).getByRole('option', { name: /^Bob Ødegård/ })).toBeVisible();
  await bcc.press('ArrowUp'); // from nothing highlighted, ArrowUp highlights the last
  await bcc.press('Tab');
  await expect(bcc).toHaveValue('Bob Ødegård <bob@sealpost.test>, ');
});

test('a recent correspondent is offered after sybil sent trent a message', async ({ page }) => {
  // A name no one else has, so the suggestion can only come from this message in Sent.
  const nick = `Zq${randomUUID().slice(0, 6)}`;
  await signIn(page, 'sybil');
  let dialog = await openComposer(page);
  let to = dialog.getByRole('combobox', { name: 'To' });
  // Asked once before sending, so the recent correspondents were already read for this session.
  await to.pressSequentially('car');
  await expect(dialog.getByRole('option', { name: /^Carol Müller/ })).toBeVisible();
  await to.fill(`Trent ${nick} <trent@sealpost.test>`);
  await dialog.getByRole('textbox', { name: 'Subject' }).fill(`Hello ${nick}`);
  await dialog.getByRole('textbox', { name: 'Message' }).fill('hi');
  await dialog.getByRole('button', { name: 'Send' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Message sent.' })).toBeVisible();

  dialog = await openComposer(page);
  to = dialog.getByRole('combobox', { name: 'To' });
  await to.pressSequentially(nick.toLowerCase());
  const option = dialog.getByRole('listbox', { name: 'To suggestions' }).getByRole('option', { name: `Trent ${nick} <trent@sealpost.test> Recent` });
  await expect(option).toBeVisible();
  await to.press('ArrowDown');
  await to.press('Enter');
  await expect(to).toHaveValue(`Trent ${nick} <trent@sealpost.test>, `);
});

test('the completion API wants a session and a short query', async ({ page, playwright }) => {
  const anonymous = await playwright.request.newContext({ baseURL: test.info().project.use.baseURL });
  expect((await anonymous.get('/api/contacts?q=car')).status()).toBe(401);
  await anonymous.dispose();

  await signIn(page, 'sybil');
  const ok = await page.request.get('/api/contacts?q=car');
  expect(ok.status()).toBe(200);
  const body = await ok.json();
  expect(body.suggestions).toContainEqual({ name: 'Carol Müller', address: 'carol@sealpost.test', source: 'directory' });
  expect((await page.request.get(`/api/contacts?q=${'x'.repeat(65)}`)).status()).toBe(400);
  expect((await page.request.get(`/api/contacts?q=${'x'.repeat(64)}`)).status()).toBe(200);
  expect((await page.request.get('/api/contacts?q=')).status()).toBe(400);
  const injected = await (await page.request.get(`/api/contacts?q=${encodeURIComponent('*)(mail=*')}`)).json();
  expect(injected.suggestions).toEqual([]);
});

test('an answer to an older keystroke never replaces the newer one', async ({ page }) => {
  await signIn(page, 'sybil');
  // The answer to "ca" is held back and arrives after the one to "car", claiming someone else.
  await page.route(/\/api\/contacts\?q=ca$/, async (route) => {
    await new Promise((r) => setTimeout(r, 1500));
    const stale = { query: 'ca', suggestions: [{ name: 'Stale Answer', address: 'stale@example.org', source: 'directory' }], directoryAvailable: true };
    await route.fulfill({ json: stale }).catch(() => undefined); // the app may have cancelled it
  });
  const dialog = await openComposer(page);
  const to = dialog.getByRole('combobox', { name: 'To' });
  const asked = page.waitForRequest(/\/api\/contacts\?q=ca$/);
  await to.pressSequentially('ca');
  await asked;
  await to.press('r');
  const list = dialog.getByRole('listbox', { name: 'To suggestions' });
  await expect(list.getByRole('option', { name: /^Carol Müller/ })).toBeVisible();
  await page.waitForTimeout(2000); // past the held-back answer
  await expect(list.getByRole('option', { name: /^Carol Müller/ })).toBeVisible();
  await expect(dialog.getByRole('option', { name: /Stale Answer/ })).toHaveCount(0);
});
