import { execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { type Page, expect, test } from '@playwright/test';

import { signIn } from '../support/login';

// Settings → Trust and Settings → Policy against the test stack: the organisation's root is the
// demo PKI's (SEALPOST_TRUST_ANCHORS), the policy is the one scripts/stack/stack.mjs wrote.

// Playwright loads specs as CommonJS, which cannot import scripts/stack/*.mjs: ask Node where the
// instance keeps its state (SEALPOST_STACK_STATE_DIR and the instance name apply as for the stack).
const stateDir = execFileSync(
  process.execPath,
  ['--input-type=module', '-e', `import { resolveInstance } from './scripts/stack/instance.mjs'; process.stdout.write(resolveInstance(process.env.SEALPOST_STACK_INSTANCE ?? 'test').stateDir);`],
  { cwd: path.resolve(__dirname, '../..'), encoding: 'utf8' },
);
const pki = JSON.parse(fs.readFileSync(path.join(stateDir, 'pki', 'manifest.json'), 'utf8')) as {
  root: { certDer: string };
  users: Record<string, { certDer: string }>;
};

/** A fresh self-signed CA certificate (PEM) with a unique name, made by the machine's OpenSSL. */
function makeRoot(name: string): { pem: Buffer; sha256: string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sealpost-e2e-root-'));
  try {
    const out = path.join(dir, 'root.pem');
    execFileSync('openssl', [
      'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', path.join(dir, 'root.key'),
      '-out', out, '-subj', `/O=Sealpost E2E/CN=${name}`, '-days', '30',
      '-addext', 'basicConstraints=critical,CA:true', '-addext', 'keyUsage=critical,keyCertSign,cRLSign',
    ], { stdio: 'pipe' });
    const der = execFileSync('openssl', ['x509', '-in', out, '-outform', 'DER']);
    return { pem: fs.readFileSync(out), sha256: crypto.createHash('sha256').update(der).digest('hex') };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

const colons = (hex: string) => hex.toUpperCase().replace(/(..)(?=.)/g, '$1:');

async function openSettings(page: Page, tab: 'Trust' | 'Policy') {
  await page.getByRole('button', { name: 'Settings' }).click();
  const dialog = page.getByRole('dialog', { name: 'Settings' });
  await dialog.getByRole('tab', { name: tab }).click();
  return dialog.getByRole('tabpanel', { name: tab });
}

test('alice sees the demo root, imports a root that survives a reload, and removes it', async ({ page }) => {
  await signIn(page, 'alice');
  let panel = await openSettings(page, 'Trust');

  const organisation = panel.getByRole('list', { name: "Organisation's root certificates" });
  const demoRoot = crypto.createHash('sha256').update(fs.readFileSync(pki.root.certDer)).digest('hex');
  await expect(organisation.getByRole('listitem')).toHaveCount(1);
  await expect(organisation.getByRole('listitem')).toContainText('Sealpost Demo Root CA');
  await expect(organisation.getByRole('listitem')).toContainText(`SHA-256 fingerprint: ${colons(demoRoot)}`);
  await expect(organisation.getByRole('listitem')).toContainText(/Valid from \d{4}-\d\d-\d\d to \d{4}-\d\d-\d\d/);
  await expect(organisation.getByRole('button')).toHaveCount(0); // the organisation's roots cannot be removed here
  await expect(panel.getByRole('note')).toContainText('makes every certificate it issues trusted');
  await expect(panel.getByText(/^Soft-fail: revoked certificates are refused/)).toBeVisible();
  await expect(panel.getByText('You have not imported any root certificates.')).toBeVisible();

  const name = `E2E Root ${crypto.randomUUID().slice(0, 8)}`;
  const root = makeRoot(name);
  await panel.getByLabel('Root certificate file').setInputFiles({ name: 'root.pem', mimeType: 'application/x-pem-file', buffer: root.pem });
  await expect(panel.getByRole('status')).toContainText(`Imported`);
  await expect(panel.getByRole('status')).toContainText(name);
  const mine = panel.getByRole('list', { name: 'Your root certificates' });
  await expect(mine.getByRole('listitem')).toHaveCount(1);
  await expect(mine.getByRole('listitem')).toContainText(colons(root.sha256));

  await page.reload();
  panel = await openSettings(page, 'Trust');
  const item = panel.getByRole('list', { name: 'Your root certificates' }).getByRole('listitem');
  await expect(item).toHaveCount(1);
  await expect(item).toContainText(name);

  // Importing it again, or the organisation's root, adds nothing.
  await panel.getByLabel('Root certificate file').setInputFiles({ name: 'again.pem', mimeType: 'application/x-pem-file', buffer: root.pem });
  await expect(panel.getByRole('status')).toContainText('Already trusted');
  await panel.getByLabel('Root certificate file').setInputFiles({ name: 'root.crt', mimeType: 'application/pkix-cert', buffer: fs.readFileSync(pki.root.certDer) });
  await expect(panel.getByRole('status')).toContainText('Already trusted: ');
  await expect(item).toHaveCount(1);

  await panel.getByRole('button', { name: new RegExp(`^Remove .*${name}`) }).click();
  await expect(panel.getByRole('status')).toContainText('Removed');
  await expect(panel.getByText('You have not imported any root certificates.')).toBeVisible();
  await page.reload();
  panel = await openSettings(page, 'Trust');
  await expect(panel.getByText('You have not imported any root certificates.')).toBeVisible();
});

test("a person's certificate is refused as a root, with the reason", async ({ page }) => {
  await signIn(page, 'alice');
  const panel = await openSettings(page, 'Trust');
  await panel.getByLabel('Root certificate file').setInputFiles({ name: 'bob.cer', mimeType: 'application/pkix-cert', buffer: fs.readFileSync(pki.users.bob!.certDer) });
  await expect(panel.getByRole('alert')).toContainText("is not a certificate authority's certificate");
  await expect(panel.getByText('You have not imported any root certificates.')).toBeVisible();
});

test('the Policy tab shows the configured policy in words', async ({ page }) => {
  const policy = JSON.parse(fs.readFileSync(path.join(stateDir, 'policy.json'), 'utf8')) as { allowedSendCiphers: string[]; minRsaBits: number };
  await signIn(page, 'bob');
  const panel = await openSettings(page, 'Policy');
  const list = panel.getByRole('definition').filter({ hasText: /./ });
  await expect(list).toHaveCount(9);
  const meaning = (topic: string) => panel.getByRole('term').filter({ hasText: new RegExp(`^${topic}$`) }).locator('xpath=following-sibling::dd');
  await expect(meaning('Encryption ciphers for sending')).toHaveText(`${policy.allowedSendCiphers.map((c) => c.toUpperCase()).join(', ')}.`);
  await expect(meaning('Smallest RSA key')).toHaveText(`${policy.minRsaBits} bits, for signers and recipients alike.`);
  await expect(meaning('Signing')).toHaveText('Signing each message is your choice.');
  await expect(meaning('Revocation checking')).toHaveText(/^Soft-fail/);
});
