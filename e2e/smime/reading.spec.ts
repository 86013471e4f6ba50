import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { type Page, expect, test } from '@playwright/test';

import { signIn } from '../support/login';
import { appendMessage } from '../support/mailbox';

// Reading S/MIME mail in real Chromium: messages signed and encrypted by OpenSSL with the test
// stack's demo PKI, appended to alice's Inbox. The keystore and trust store are not wired into
// the reader yet, so nothing is trusted and no key is at hand: signatures verify but read as
// "not trusted", encrypted mail cannot be opened. (The lead extends this once they are wired.)
test.describe.configure({ mode: 'serial' });

const USER = 'alice';

interface Manifest {
  issuing: { cert: string };
  users: Record<string, { email: string; key: string; cert: string }>;
}

async function manifest(): Promise<Manifest> {
  const { resolveInstance } = await import('../../scripts/stack/instance.mjs');
  // The e2e runs against the "test" instance (scripts/test.mjs); its port base and state folder come from the environment.
  const inst = resolveInstance('test');
  return JSON.parse(fs.readFileSync(path.join(inst.dirs.pki, 'manifest.json'), 'utf8')) as Manifest;
}

function withTemp<T>(content: string, work: (file: string) => T): T {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sealpost-reading-'));
  try {
    const file = path.join(dir, 'entity');
    fs.writeFileSync(file, content);
    return work(file);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** `openssl cms -sign` of a MIME entity by a demo user: multipart/signed, or opaque with -nodetach. */
async function opensslSigned(signer: string, subject: string, entity: string, { opaque = false, from }: { opaque?: boolean; from?: string } = {}): Promise<Buffer> {
  const m = await manifest();
  const user = m.users[signer]!;
  return withTemp(entity, (file) =>
    execFileSync('openssl', [
      'cms', '-sign', '-in', file, '-signer', user.cert, '-inkey', user.key, '-certfile', m.issuing.cert,
      '-from', from ?? user.email, '-to', `${USER}@sealpost.test`, '-subject', subject,
      ...(opaque ? ['-nodetach'] : []),
    ]),
  );
}

async function opensslEncrypted(recipient: string, subject: string, entity: string): Promise<Buffer> {
  const m = await manifest();
  return withTemp(entity, (file) =>
    execFileSync('openssl', ['cms', '-encrypt', '-aes-256-cbc', '-in', file, '-from', 'bob@sealpost.test', '-to', `${USER}@sealpost.test`, '-subject', subject, m.users[recipient]!.cert]),
  );
}

const TEXT = 'Content-Type: text/plain; charset=utf-8\r\n\r\nThe quarterly numbers are attached in spirit.\r\n';
const UNTRUSTED = 'Signed by alice@sealpost.test, but the signer is not trusted: no certificate authority you trust issued the certificate.';

async function openMessage(page: Page, subject: string) {
  const row = page.getByRole('option', { name: new RegExp(subject) });
  await row.click();
  const pane = page.getByRole('region', { name: 'Reading pane' });
  await expect(pane.getByRole('heading', { name: subject })).toBeVisible();
  return { row, pane, banner: pane.getByRole('region', { name: 'Message security' }) };
}

test('a clear-signed message verifies, reads as not trusted, and shows every certificate in the details', async ({ page }) => {
  const subject = `Clear-signed ${randomUUID()}`;
  await appendMessage(USER, await opensslSigned('alice', subject, TEXT));
  await signIn(page, USER);
  const { row, banner } = await openMessage(page, subject);
  await expect(row.getByRole('img', { name: 'Signed' })).toBeVisible();
  await expect(row.getByRole('img', { name: 'Encrypted' })).toHaveCount(0);
  await expect(banner).toContainText(UNTRUSTED);
  await expect(banner).not.toContainText('verified');
  await expect(page.frameLocator('iframe[title="Message body"]').getByText('The quarterly numbers are attached in spirit.')).toBeVisible();

  await banner.getByRole('button', { name: 'Security details' }).click();
  const dialog = page.getByRole('dialog', { name: 'Security details' });
  await expect(dialog.getByRole('region', { name: 'Signature by alice@sealpost.test' })).toBeVisible();
  const signerCert = dialog.getByRole('region', { name: 'Signer certificate: O=Sealpost Demo, CN=Alice Liddell' });
  await expect(signerCert).toContainText('alice@sealpost.test');
  await expect(signerCert).toContainText('CN=Sealpost Demo Issuing CA');
  await expect(dialog.getByRole('region', { name: 'Issuer certificate: O=Sealpost Demo, CN=Sealpost Demo Issuing CA' })).toContainText('keyCertSign');
  await expect(signerCert).toContainText('SHA-256 fingerprint');
  await expect(signerCert).toContainText(/([0-9A-F]{2}:){31}[0-9A-F]{2}/);
  await expect(signerCert).toContainText('emailProtection');
  await expect(dialog).toContainText('Not trusted: no certificate authority you trust issued it.');
  await expect(dialog).toContainText('Not checked');
  await dialog.getByRole('button', { name: 'Check certificate now' }).click();
  await expect(dialog.getByRole('button', { name: 'Check certificate now' })).toBeEnabled();
  await dialog.getByRole('button', { name: 'Close' }).click();
  await expect(dialog).toHaveCount(0);
});

test('an opaque-signed message shows its content and the same verdict', async ({ page }) => {
  const subject = `Opaque-signed ${randomUUID()}`;
  await appendMessage(USER, await opensslSigned('alice', subject, TEXT, { opaque: true }));
  await signIn(page, USER);
  const { row, banner } = await openMessage(page, subject);
  await expect(row.getByRole('img', { name: 'Signed' })).toBeVisible();
  await expect(banner).toContainText(UNTRUSTED);
  await expect(page.frameLocator('iframe[title="Message body"]').getByText('The quarterly numbers are attached in spirit.')).toBeVisible();
});

test('a message changed on the server after signing reads as tampered', async ({ page }) => {
  const subject = `Tampered ${randomUUID()}`;
  const signed = (await opensslSigned('alice', subject, TEXT)).toString('latin1');
  expect(signed).toContain('The quarterly numbers');
  await appendMessage(USER, Buffer.from(signed.replace('The quarterly numbers', 'The quarterly NUMBERS'), 'latin1'));
  await signIn(page, USER);
  const { banner } = await openMessage(page, subject);
  await expect(banner).toContainText('The signature does not match: this message was changed after alice@sealpost.test signed it.');
  await expect(banner).not.toContainText('Signed by');
});

test('a message whose signer is not its From says so', async ({ page }) => {
  const subject = `Impostor ${randomUUID()}`;
  await appendMessage(USER, await opensslSigned('carol', subject, TEXT, { from: 'ceo@sealpost.test' }));
  await signIn(page, USER);
  const { banner } = await openMessage(page, subject);
  await expect(banner).toContainText('Signed by carol@sealpost.test, but the message says it is from ceo@sealpost.test.');
});

test('an HTML body drawing a fake "verified" banner does not change the app\'s banner', async ({ page }) => {
  const fake =
    '<div role="region" aria-label="Message security" style="background:#f6fef9;border-left:4px solid #17b26a;padding:8px">' +
    'Signed by alice@sealpost.test, verified.</div><p>Please wire the money today.</p>';
  const html = `Content-Type: text/html; charset=utf-8\r\n\r\n${fake}\r\n`;

  // Unsigned: the app draws no banner at all, whatever the body shows.
  const plainSubject = `Fake banner plain ${randomUUID()}`;
  await appendMessage(
    USER,
    Buffer.from(`From: alice@sealpost.test\r\nTo: ${USER}@sealpost.test\r\nSubject: ${plainSubject}\r\nMIME-Version: 1.0\r\n${html}`, 'utf8'),
  );
  // Signed by someone untrusted: the app's banner keeps its own words.
  const signedSubject = `Fake banner signed ${randomUUID()}`;
  await appendMessage(USER, await opensslSigned('alice', signedSubject, html));

  await signIn(page, USER);
  let opened = await openMessage(page, plainSubject);
  const frame = page.frameLocator('iframe[title="Message body"]');
  await expect(frame.getByText('Please wire the money today.')).toBeVisible();
  await expect(frame.getByText('Signed by alice@sealpost.test, verified.')).toBeVisible();
  await expect(opened.banner).toHaveCount(0);
  await expect(page.getByRole('region', { name: 'Message security' })).toHaveCount(0);
  await expect(opened.row.getByRole('img', { name: 'Signed' })).toHaveCount(0);

  opened = await openMessage(page, signedSubject);
  await expect(frame.getByText('Signed by alice@sealpost.test, verified.')).toBeVisible();
  await expect(page.getByRole('region', { name: 'Message security' })).toHaveCount(1);
  await expect(opened.banner).toContainText(UNTRUSTED);
  await expect(opened.banner).not.toContainText('verified');
});

test('an encrypted message is marked in the list and, without a key, shows its headers and why it cannot be read', async ({ page }) => {
  const subject = `Encrypted ${randomUUID()}`;
  await appendMessage(USER, await opensslEncrypted('alice', subject, TEXT));
  await signIn(page, USER);
  const { row, pane, banner } = await openMessage(page, subject);
  await expect(row.getByRole('img', { name: 'Encrypted' })).toBeVisible();
  await expect(row.getByRole('img', { name: 'Signed' })).toHaveCount(0);
  await expect(pane.getByText('bob@sealpost.test')).toBeVisible();
  await expect(banner).toContainText('This message is encrypted and cannot be decrypted:');
  await expect(pane.getByRole('button', { name: 'Show remote images' })).toHaveCount(0);
  await expect(page.frameLocator('iframe[title="Message body"]').getByText('quarterly')).toHaveCount(0);
});
