import { randomUUID } from 'node:crypto';

import { type Browser, type Page, expect, test } from '@playwright/test';

import { waitForMessages } from '../support/imap-read';
import { signIn } from '../support/login';
import { appendMessage } from '../support/mailbox';
import { importIdentity, messageBody, openMessage, sendMessage } from '../support/smime-browser';
import { opensslEncrypt, opensslSign, textEntity } from '../support/smime-pki';

// Reading S/MIME mail in real Chromium against the test stack, whose organisation trusts the
// demo PKI's root (scripts/stack/stack.mjs). Mail signed by the app itself (alice imports her
// PKCS#12 and sends) and by `openssl cms` reads as verified at bob's, who needs no key of his own
// for that; bob has none here (each context starts with an empty keystore).

const READER = 'bob';
const TEXT = 'The quarterly numbers are attached in spirit.';
const VERIFIED = 'Signed by alice@sealpost.test, verified.';
// The whole banner: the verdict line and its one button, nothing else (no warning line).
const ONLY_VERIFIED = /^Signed by alice@sealpost\.test, verified\.\s*Security details$/;

async function asAlice(browser: Browser, work: (page: Page) => Promise<void>): Promise<void> {
  const context = await browser.newContext();
  try {
    await work(await context.newPage());
  } finally {
    await context.close();
  }
}

test('alice signs in the app; bob reads it as verified without a key of his own', async ({ browser, page }) => {
  test.setTimeout(90_000);
  const subject = `App-signed ${randomUUID()}`;
  await asAlice(browser, async (alice) => {
    await signIn(alice, 'alice');
    await importIdentity(alice, 'alice');
    await sendMessage(alice, { to: 'bob@sealpost.test', subject, body: TEXT, sign: true });
  });
  // What arrived is a clear-signed message (the demo policy's default format), made by the app.
  const [arrived] = await waitForMessages(READER, 'INBOX', subject);
  expect(arrived!.source.toString('latin1')).toMatch(/^Content-Type: multipart\/signed;[^]*protocol="application\/pkcs7-signature"/im);

  await signIn(page, READER);
  const { row, banner } = await openMessage(page, subject);
  await expect(row.getByRole('img', { name: 'Signed' })).toBeVisible();
  await expect(row.getByRole('img', { name: 'Encrypted' })).toHaveCount(0);
  await expect(banner).toHaveText(ONLY_VERIFIED);
  await expect(messageBody(page).getByText(TEXT)).toBeVisible();
});

test("a composer opened before the organisation's policy has loaded works, and gets its Security toggles when it arrives", async ({ page }) => {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  // The organisation's settings answer late (a slow server): the composer must not wait for them, nor break.
  let release: () => void = () => {};
  const held = new Promise<void>((resolve) => (release = resolve));
  await page.route('**/api/security', async (route) => {
    await held;
    await route.continue();
  });
  await signIn(page, 'alice');
  await page.getByRole('button', { name: 'New message' }).click();
  const dialog = page.getByRole('dialog', { name: 'New message' });
  await expect(dialog.getByRole('combobox', { name: 'To' })).toBeVisible();
  await dialog.getByRole('textbox', { name: 'Subject' }).fill('Typed before the policy came');
  release();
  await expect(dialog.getByRole('group', { name: 'Security' }).getByRole('button', { name: 'Sign' })).toHaveAttribute('aria-pressed', 'false');
  await expect(dialog.getByRole('textbox', { name: 'Subject' })).toHaveValue('Typed before the policy came');
  expect(errors).toEqual([]);
});

test('a clear-signed message from openssl verifies, and the details show the chain to the trusted root and a revocation check', async ({ page }) => {
  const subject = `Clear-signed ${randomUUID()}`;
  await appendMessage(READER, await opensslSign('alice', textEntity(TEXT), { subject, to: 'bob@sealpost.test' }));
  // Revocation answers come through the app's relay, never from the page straight to the CA.
  const relayed: string[] = [];
  page.context().on('request', (r) => {
    if (new URL(r.url()).pathname === '/api/pki/fetch') relayed.push(r.url());
  });
  await signIn(page, READER);
  const { row, banner } = await openMessage(page, subject);
  await expect(row.getByRole('img', { name: 'Signed' })).toBeVisible();
  await expect(banner).toHaveText(ONLY_VERIFIED);
  await expect(messageBody(page).getByText(TEXT)).toBeVisible();

  await banner.getByRole('button', { name: 'Security details' }).click();
  const dialog = page.getByRole('dialog', { name: 'Security details' });
  const signature = dialog.getByRole('region', { name: 'Signature by alice@sealpost.test' });
  await expect(signature).toContainText('Intact: the content is what was signed.');
  await expect(signature).toContainText('Trusted: the chain reaches a certificate authority you trust.');
  await expect(signature).toContainText('The certificate names the From address.');
  await expect(signature).toContainText('rsa-pkcs1-sha256');
  await expect(signature).toContainText("PolicyAccepted by your organisation's policy.");
  await expect(signature).toContainText(/Not revoked \((OCSP|CRL)\), checked \d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} UTC\./);
  const signerCert = signature.getByRole('region', { name: 'Signer certificate: O=Sealpost Demo, CN=Alice Liddell' });
  await expect(signerCert).toContainText('alice@sealpost.test');
  await expect(signerCert).toContainText('CN=Sealpost Demo Issuing CA');
  await expect(signerCert).toContainText('emailProtection');
  await expect(signerCert).toContainText(/([0-9A-F]{2}:){31}[0-9A-F]{2}/);
  await expect(signature.getByRole('region', { name: 'Issuer certificate: O=Sealpost Demo, CN=Sealpost Demo Issuing CA' })).toContainText('keyCertSign');
  await expect(signature.getByRole('region', { name: 'Root certificate: O=Sealpost Demo, CN=Sealpost Demo Root CA' })).toBeVisible();
  expect(relayed.length).toBeGreaterThan(0);

  // "Check certificate now" asks again (through the relay) and keeps the verdict.
  const before = relayed.length;
  await dialog.getByRole('button', { name: 'Check certificate now' }).click();
  await expect(dialog.getByRole('button', { name: 'Check certificate now' })).toBeEnabled();
  await expect.poll(() => relayed.length).toBeGreaterThan(before);
  await expect(signature).toContainText('Trusted: the chain reaches a certificate authority you trust.');
  await dialog.getByRole('button', { name: 'Close' }).click();
  await expect(dialog).toHaveCount(0);
  await expect(banner).toHaveText(ONLY_VERIFIED);
});

test('an opaque-signed message from openssl shows its content and reads as verified', async ({ page }) => {
  const subject = `Opaque-signed ${randomUUID()}`;
  const signed = await opensslSign('alice', textEntity(TEXT), { subject, to: 'bob@sealpost.test', opaque: true });
  expect(signed.toString('latin1')).toMatch(/smime-type=signed-data/);
  await appendMessage(READER, signed);
  await signIn(page, READER);
  const { row, banner } = await openMessage(page, subject);
  await expect(row.getByRole('img', { name: 'Signed' })).toBeVisible();
  await expect(banner).toHaveText(ONLY_VERIFIED);
  await expect(messageBody(page).getByText(TEXT)).toBeVisible();
});

test('an encrypted message is marked in the list and, without a key, shows its headers and why it cannot be read', async ({ page }) => {
  const subject = `Encrypted ${randomUUID()}`;
  await appendMessage(READER, await opensslEncrypt('bob', textEntity(TEXT), { subject, from: 'alice@sealpost.test' }));
  await signIn(page, READER);
  const { row, pane, banner } = await openMessage(page, subject);
  await expect(row.getByRole('img', { name: 'Encrypted' })).toBeVisible();
  await expect(row.getByRole('img', { name: 'Signed' })).toHaveCount(0);
  await expect(pane.getByText('alice@sealpost.test')).toBeVisible();
  await expect(banner).toContainText(
    'This message is encrypted and cannot be decrypted: you have no S/MIME certificate with a private key here. Import yours (PKCS#12) in Settings.',
  );
  await expect(banner).not.toContainText(VERIFIED);
  await expect(pane.getByRole('button', { name: 'Show remote images' })).toHaveCount(0);
  await expect(messageBody(page).getByText('quarterly')).toHaveCount(0);
});
