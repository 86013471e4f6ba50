import { randomBytes, randomUUID } from 'node:crypto';

import { expect, test } from '@playwright/test';

import { findMessages, waitForMessages } from '../support/imap-read';
import { signIn } from '../support/login';
import { demoUser, holdsBase64, importOwnPkcs12, opensslDecrypt } from '../support/smime-demo';

// Composing protected mail (issue 5): the toggles and the user's sending defaults. With Sign and
// Encrypt off the composer sends as before (one message, no Bcc field in it). An encrypted
// message with Bcc is several uploads (lib/api/send-protected.ts): the routes it uses, and a
// large one end to end.

test('with Sign and Encrypt off, mail with Bcc goes out as before', async ({ page }) => {
  const subject = `Plain with Bcc ${randomUUID()}`;
  await signIn(page, 'alice');
  await page.getByRole('button', { name: 'New message' }).click();
  const dialog = page.getByRole('dialog', { name: 'New message' });
  const security = dialog.getByRole('group', { name: 'Security' });
  await expect(security.getByRole('button', { name: 'Sign' })).toHaveAttribute('aria-pressed', 'false');
  await expect(security.getByRole('button', { name: 'Encrypt' })).toHaveAttribute('aria-pressed', 'false');
  await expect(dialog.getByRole('region', { name: 'Recipient certificates' })).toHaveCount(0);

  await dialog.getByRole('combobox', { name: 'To' }).fill('bob@sealpost.test');
  await dialog.getByRole('combobox', { name: 'Bcc' }).fill('carol@sealpost.test');
  await dialog.getByRole('textbox', { name: 'Subject' }).fill(subject);
  await dialog.getByRole('textbox', { name: 'Message' }).fill('Hello both.');
  await dialog.getByRole('button', { name: 'Send' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Message sent.' })).toBeVisible();

  const [toBob] = await waitForMessages('bob', 'INBOX', subject);
  const [toCarol] = await waitForMessages('carol', 'INBOX', subject);
  // One message for both, not S/MIME, and no Bcc field in it.
  for (const copy of [toBob!, toCarol!]) {
    expect(copy.source.toString('latin1')).not.toMatch(/^Bcc:/im);
    expect(copy.source.toString('latin1')).not.toMatch(/pkcs7/i);
  }
});

test('the sending defaults in Settings decide how the composer starts, and stay after a reload', async ({ page }) => {
  await signIn(page, 'olivia');
  const openSending = async () => {
    await page.getByRole('banner').getByRole('button', { name: 'Settings' }).click();
    const settings = page.getByRole('dialog', { name: 'Settings' });
    await settings.getByRole('tab', { name: 'Sending' }).click();
    return settings;
  };
  let settings = await openSending();
  const defaults = settings.getByRole('region', { name: 'Sending defaults' });
  await expect(defaults.getByRole('checkbox', { name: 'Encrypt new messages' })).not.toBeChecked();
  await defaults.getByRole('checkbox', { name: 'Encrypt new messages' }).check();
  await defaults.getByRole('checkbox', { name: 'Sign new messages' }).check();
  await settings.getByRole('button', { name: 'Close' }).click();

  await page.reload();
  await page.getByRole('button', { name: 'New message' }).click();
  const dialog = page.getByRole('dialog', { name: 'New message' });
  await expect(dialog.getByRole('button', { name: 'Sign' })).toHaveAttribute('aria-pressed', 'true');
  await expect(dialog.getByRole('button', { name: 'Encrypt' })).toHaveAttribute('aria-pressed', 'true');
  await dialog.getByRole('button', { name: 'Discard' }).click();

  settings = await openSending();
  await settings.getByRole('checkbox', { name: 'Encrypt new messages' }).uncheck();
  await settings.getByRole('checkbox', { name: 'Sign new messages' }).uncheck();
  await settings.getByRole('button', { name: 'Close' }).click();
  await page.getByRole('button', { name: 'New message' }).click();
  await expect(page.getByRole('dialog', { name: 'New message' }).getByRole('button', { name: 'Encrypt' })).toHaveAttribute('aria-pressed', 'false');
});

test('a separate copy goes only to its own recipients and is not stored; POST /api/sent only stores', async ({ page }) => {
  const subject = `Separate copies ${randomUUID()}`;
  await signIn(page, 'alice');
  const message = (who: string) => Buffer.from(`From: alice@sealpost.test\r\nTo: bob@sealpost.test\r\nSubject: ${subject}\r\nX-Copy-For: ${who}\r\n\r\nHello.\r\n`).toString('base64');
  const post = (path: string, data: object) => page.request.post(path, { headers: { 'content-type': 'application/json' }, data });
  // trent: a mailbox-only test user (dave's seeded Inbox order is asserted in mail/message-list.spec).
  const copy = await post('/api/send', { raw: message('trent'), to: ['trent@sealpost.test'], saveToSent: false });
  expect(await copy.json()).toEqual({ sent: true, savedToSent: false, sentFolder: null });
  const stored = await post('/api/sent', { raw: message('main') });
  expect(await stored.json()).toEqual({ savedToSent: true, sentFolder: 'Sent' });
  const refused = await post('/api/send', { raw: message('outsider'), to: ['someone@example.com'], saveToSent: false });
  expect(refused.status()).toBe(422);

  const copyFor = async (user: string, folder = 'INBOX') => (await waitForMessages(user, folder, subject)).map((m) => /X-Copy-For: (\w+)/.exec(m.source.toString('latin1'))?.[1]);
  expect(await copyFor('trent')).toEqual(['trent']);
  expect(await copyFor('alice', 'Sent')).toEqual(['main']);
  // Stored, not sent: nobody got the main message.
  expect(await findMessages('bob', 'INBOX', subject)).toEqual([]);
});

test('an encrypted message with a 15 MB attachment and a Bcc recipient goes out as two envelopes, each in its own upload', async ({ page }) => {
  test.setTimeout(300_000);
  const subject = `Large with Bcc ${randomUUID()}`;
  // 15 MB: each envelope (about 28 MB) fits the test stack's SMTP limit (30 MB), both together do not fit one request (50 MB).
  const file = randomBytes(15 * 1024 * 1024);
  await signIn(page, 'alice');
  await importOwnPkcs12(page, await demoUser('alice'));
  const uploads: string[] = [];
  page.on('request', (r) => {
    const path = new URL(r.url()).pathname;
    if (r.method() === 'POST' && (path === '/api/send' || path === '/api/sent')) uploads.push(path);
  });

  await page.getByRole('button', { name: 'New message' }).click();
  const dialog = page.getByRole('dialog', { name: 'New message' });
  await dialog.getByRole('combobox', { name: 'To' }).fill('bob@sealpost.test');
  await dialog.getByRole('combobox', { name: 'Bcc' }).fill('carol@sealpost.test');
  await dialog.getByRole('textbox', { name: 'Subject' }).fill(subject);
  await dialog.getByRole('textbox', { name: 'Message' }).fill('The big file, for both of you.');
  const chooser = page.waitForEvent('filechooser');
  await dialog.getByRole('button', { name: 'Attach files' }).click();
  await (await chooser).setFiles([{ name: 'big.bin', mimeType: 'application/octet-stream', buffer: file }]);
  const security = dialog.getByRole('group', { name: 'Security' });
  for (const name of ['Sign', 'Encrypt']) {
    const toggle = security.getByRole('button', { name });
    if ((await toggle.getAttribute('aria-pressed')) !== 'true') await toggle.click();
    await expect(toggle).toHaveAttribute('aria-pressed', 'true');
  }
  const certificates = dialog.getByRole('region', { name: 'Recipient certificates' });
  for (const address of ['bob@sealpost.test', 'carol@sealpost.test']) {
    await expect(certificates.getByRole('listitem').filter({ hasText: address })).toContainText('Valid certificate', { timeout: 30_000 });
  }
  await dialog.getByRole('button', { name: 'Send' }).click();
  const outcome = page.getByRole('banner').getByRole('status').filter({ hasText: 'Message sent.' });
  await expect(outcome).toBeVisible({ timeout: 240_000 });
  await expect(outcome).not.toContainText('Not sent to');
  await expect(outcome).not.toContainText('could not be saved');

  const [toBob] = await waitForMessages('bob', 'INBOX', subject, 1, 60_000);
  const [toCarol] = await waitForMessages('carol', 'INBOX', subject, 1, 60_000);
  const [inSent] = await waitForMessages('alice', 'Sent', subject, 1, 60_000);
  // Together the two envelopes are larger than one request may be: each went up on its own.
  expect(toBob!.source.length + toCarol!.source.length).toBeGreaterThan(50 * 1024 * 1024);
  expect(uploads).toEqual(['/api/send', '/api/send']);
  // Each opens with its own recipient's key only, and carries the file.
  const [bob, carol] = [await demoUser('bob'), await demoUser('carol')];
  expect(holdsBase64(opensslDecrypt(toBob!.source, bob), file)).toBe(true);
  expect(holdsBase64(opensslDecrypt(toCarol!.source, carol), file)).toBe(true);
  expect(() => opensslDecrypt(toBob!.source, carol)).toThrow();
  expect(() => opensslDecrypt(toCarol!.source, bob)).toThrow();
  expect(inSent!.source.toString('latin1')).not.toMatch(/^Bcc:/im);
});

test('when the security settings cannot be loaded, sending says why, sends nothing and keeps the draft', async ({ page }) => {
  const subject = `No policy ${randomUUID()}`;
  // GET /api/security fails for the whole visit: the composer may not guess a policy.
  await page.route('**/api/security', (route) =>
    route.fulfill({ status: 503, contentType: 'application/json', body: JSON.stringify({ error: { code: 'imap-unavailable', message: 'The mail server cannot be reached. Try again later.' } }) }),
  );
  await signIn(page, 'olivia');
  await page.getByRole('button', { name: 'New message' }).click();
  const dialog = page.getByRole('dialog', { name: 'New message' });
  await dialog.getByRole('combobox', { name: 'To' }).fill('bob@sealpost.test');
  await dialog.getByRole('textbox', { name: 'Subject' }).fill(subject);
  await dialog.getByRole('textbox', { name: 'Message' }).fill('Held back.');
  await dialog.getByRole('button', { name: 'Send' }).click();
  await expect(dialog.getByRole('alert')).toHaveText(
    "The organisation's security settings could not be loaded (The mail server cannot be reached. Try again later), so the message was not signed, encrypted or sent. Try again in a moment.",
  );
  await expect(dialog).toBeVisible();
  expect(await waitForMessages('olivia', 'Drafts', subject)).toHaveLength(1);
  expect(await findMessages('bob', 'INBOX', subject)).toEqual([]);
});
