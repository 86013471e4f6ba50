import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

import { type Page, expect, test } from '@playwright/test';

import { clearFolder } from '../support/folders';
import { signIn } from '../support/login';

// The certificate address book (Settings > Contacts' certificates): a user imports bob's
// certificate from the demo PKI by hand; it is stored in their mailbox ("Sealpost Certificates",
// hidden from the folder tree), so it survives a reload and shows up in a second browser.
// The user is victor, a mailbox-only test user: alice's book also fills by harvest when other
// specs (acceptance) have her read signed mail, which would break "No certificates yet." here.
const USER = 'victor';

const BOOK = 'Sealpost Certificates';

/** The demo PKI of the stack the e2e tests run against (scripts/test.mjs starts instance "test"). */
async function pkiDir(): Promise<string> {
  const { resolveInstance } = await import('../../scripts/stack/instance.mjs');
  return resolveInstance('test').dirs.pki;
}

/** The book starts empty (a missing folder is an empty book too). */
const emptyBook = () => clearFolder(USER, BOOK).catch(() => {});

async function openCertificates(page: Page) {
  await page.getByRole('banner').getByRole('button', { name: 'Settings' }).click();
  const dialog = page.getByRole('dialog', { name: 'Settings' });
  await dialog.getByRole('tab', { name: "Contacts' certificates" }).click();
  return dialog;
}

test.describe.configure({ mode: 'serial' });

test.beforeEach(emptyBook);
test.afterAll(emptyBook);

test("a user imports bob's certificate: listed as Imported, kept on the server, seen from a second browser, deleted", async ({ page, browser, baseURL }) => {
  const pki = await pkiDir();
  const bobDer = fs.readFileSync(path.join(pki, 'users', 'bob.cert.der'));
  const sha256 = createHash('sha256').update(bobDer).digest('hex');

  await signIn(page, USER);
  let dialog = await openCertificates(page);
  await expect(dialog.getByText('No certificates yet.')).toBeVisible();

  await dialog.getByLabel('Import certificate file').setInputFiles(path.join(pki, 'users', 'bob.cert.pem'));
  const plan = dialog.getByRole('region', { name: 'Certificates to import' });
  await expect(plan).toContainText('bob.cert.pem: this certificate will be added:');
  await expect(plan).toContainText('bob@sealpost.test');
  await plan.getByRole('button', { name: 'Add to address book' }).click();
  await expect(plan).toBeHidden();
  await expect(dialog.getByRole('status')).toContainText('Added 1 certificate to your address book.');

  const table = dialog.getByRole('table', { name: "Contacts' certificates" });
  const row = table.getByRole('row').filter({ hasText: 'bob@sealpost.test' });
  await expect(row).toHaveCount(1);
  await expect(row.getByRole('cell').nth(4)).toHaveText('Imported');
  await expect(row).toContainText('Sealpost Demo');

  await row.getByRole('button', { name: 'Details' }).click();
  const details = dialog.getByRole('region', { name: 'Certificate details' });
  await expect(details).toContainText(sha256);
  await expect(details).toContainText('Key usage');
  await expect(details).toContainText('Serial number');
  await details.getByRole('button', { name: 'Close details' }).click();
  await expect(details).toBeHidden();

  // Importing the same file again adds nothing.
  await dialog.getByLabel('Import certificate file').setInputFiles(path.join(pki, 'users', 'bob.cert.der'));
  await expect(plan).toContainText('bob.cert.der holds no certificate to add.');
  await expect(plan.getByRole('list', { name: 'Left out' })).toContainText('It is already in your address book.');
  await plan.getByRole('button', { name: 'Cancel import' }).click();

  // The book's folder is storage, not mail.
  await dialog.getByRole('button', { name: 'Close' }).last().click();
  await expect(page.getByRole('tree', { name: 'Folders' })).toBeVisible();
  await expect(page.getByRole('tree', { name: 'Folders' }).getByRole('treeitem', { name: new RegExp(BOOK) })).toHaveCount(0);

  // Kept on the server: a reload reads it back.
  await page.reload();
  dialog = await openCertificates(page);
  await expect(dialog.getByRole('table', { name: "Contacts' certificates" }).getByRole('row').filter({ hasText: 'bob@sealpost.test' })).toContainText('Imported');

  // Another browser, the same account: the same book.
  const other = await browser.newContext({ baseURL });
  try {
    const second = await other.newPage();
    await signIn(second, USER);
    const secondDialog = await openCertificates(second);
    const secondRow = secondDialog.getByRole('table', { name: "Contacts' certificates" }).getByRole('row').filter({ hasText: 'bob@sealpost.test' });
    await expect(secondRow).toContainText('Imported');

    await secondRow.getByRole('button', { name: 'Delete' }).click();
    const confirm = secondDialog.getByRole('group', { name: 'Delete certificate' });
    await expect(confirm).toContainText('Delete the certificate of bob@sealpost.test');
    await confirm.getByRole('button', { name: 'Delete certificate' }).click();
    await expect(secondDialog.getByRole('status')).toContainText('Deleted the certificate of bob@sealpost.test.');
    await expect(secondDialog.getByText('No certificates yet.')).toBeVisible();
  } finally {
    await other.close();
  }

  await page.reload();
  dialog = await openCertificates(page);
  await expect(dialog.getByText('No certificates yet.')).toBeVisible();
});

test('a file of CA certificates adds nothing and says why; a file that is no certificate is refused', async ({ page }) => {
  const pki = await pkiDir();
  await signIn(page, USER);
  const dialog = await openCertificates(page);
  await dialog.getByLabel('Import certificate file').setInputFiles(path.join(pki, 'chain.pem'));
  const plan = dialog.getByRole('region', { name: 'Certificates to import' });
  await expect(plan).toContainText('chain.pem holds no certificate to add.');
  await expect(plan.getByRole('list', { name: 'Left out' })).toContainText("It is a certificate authority's certificate, not a contact's");
  await expect(plan.getByRole('button', { name: 'Add to address book' })).toHaveCount(0);

  await dialog.getByLabel('Import certificate file').setInputFiles({ name: 'notes.cer', mimeType: 'application/pkix-cert', buffer: Buffer.from('hello') });
  await expect(dialog.getByRole('alert')).toContainText('notes.cer: The file is not a certificate');
});
