import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';

import { type Page, expect, test } from '@playwright/test';

import { type IssuedCert, type TestPki, createTestPki } from '../../tests/support/test-pki';
import { type FakeCardSlot, installFakeCardReader } from '../support/fake-webusb';
import { folderSubjects } from '../support/folders';
import { signIn } from '../support/login';
import { appendMessage } from '../support/mailbox';
import { type DemoUser, demoUser } from '../support/smime-demo';
import { escapeRegExp, messageBody } from '../support/smime-browser';
import { textEntity } from '../support/smime-pki';

// Reading mail encrypted to a smart card's certificate, in real Chromium: navigator.usb is the
// simulated CCID reader with a PIV card (e2e/support/fake-webusb.ts); `openssl cms -encrypt`
// makes the mail (RSA PKCS#1 v1.5, RSA-OAEP with SHA-1 and SHA-256, ECDH). ivan (mailbox-only;
// his other specs use their own folders, never INBOX) reads; his fresh context has no soft key,
// so a message that opens was opened by the card. Keys that are not alice's demo key (her old
// one for retired slot 82, an EC P-256 one) come from a throwaway CA in a temp folder.

const READER = 'ivan';
const PIN = '123456';
const TEXT = 'The vault code changes on Monday.';

let pki: TestPki;
let oldAlice: IssuedCert;
let ecCard: IssuedCert;

test.beforeAll(() => {
  pki = createTestPki('sealpost-card-decrypt-');
  oldAlice = pki.issue({ name: 'alice-old', key: 'rsa-2048', email: 'alice@sealpost.test' });
  ecCard = pki.issue({ name: 'ivan-ec', key: 'p256', email: 'ivan@sealpost.test' });
});
test.afterAll(() => pki?.cleanup());

/** `openssl cms -encrypt` (AES-256-CBC) of TEXT to one certificate, with `keyopt` for the recipient (e.g. OAEP). */
function encryptTo(certFile: string, subject: string, keyopt: string[] = []): Buffer {
  const input = pki.file(`${randomUUID()}.txt`);
  fs.writeFileSync(input, textEntity(TEXT));
  const args = ['cms', '-encrypt', '-aes-256-cbc', '-in', input, '-from', 'alice@sealpost.test', '-to', `${READER}@sealpost.test`, '-subject', subject];
  return execFileSync('openssl', [...args, '-recip', certFile, ...keyopt.flatMap((o) => ['-keyopt', o])], { stdio: ['ignore', 'pipe', 'pipe'] });
}

/** The serial number as OpenSSL prints it (upper-case hex), to match the banner's "(serial <hex>)". */
const serialOf = (certFile: string) => execFileSync('openssl', ['x509', '-in', certFile, '-noout', '-serial']).toString().trim().replace(/^serial=/, '');

/** The banner's line for a message the card opened for the certificate naming `address` with this serial (OpenSSL may drop a leading 00). */
const encryptedFor = (address: string, serial: string) => new RegExp(`^Encrypted with AES-256-CBC for your certificate ${escapeRegExp(address)} \\(serial (00)?${serial}\\)\\.`, 'i');
const NOT_SIGNED = 'It is not signed: nothing proves who sent it.';

async function openCardSettings(page: Page) {
  await page.getByRole('banner').getByRole('button', { name: 'Settings' }).click();
  const settings = page.getByRole('dialog', { name: 'Settings' });
  await settings.getByRole('tab', { name: 'Smart card' }).click();
  return settings;
}

async function closeSettings(page: Page): Promise<void> {
  const settings = page.getByRole('dialog', { name: 'Settings' });
  await settings.getByRole('button', { name: 'Close', exact: true }).last().click();
  await expect(settings).toBeHidden();
}

/** Ticks or unticks "Use <slot> for decryption" in Settings → Smart card. */
async function useForDecryption(page: Page, slot: string, on: boolean): Promise<void> {
  const use = (await openCardSettings(page)).getByRole('checkbox', { name: `Use ${slot} for decryption` });
  await use.setChecked(on);
  await expect(use).toBeChecked({ checked: on });
  await closeSettings(page);
}

/** Settings → Smart card → Connect (WebUSB); checks the slots are listed and ticked for decryption. */
async function connectCard(page: Page, slots: { slot: string; address: string }[]): Promise<void> {
  const settings = await openCardSettings(page);
  await settings.getByRole('button', { name: 'Connect (WebUSB)' }).click();
  await expect(settings.getByRole('status', { name: 'Smart card status' })).toHaveText('Connected: Simulated CCID reader');
  const table = settings.getByRole('table', { name: 'Card certificates' });
  for (const { slot, address } of slots) {
    await expect(table.getByRole('row').filter({ has: page.getByRole('cell', { name: slot, exact: true }) })).toContainText(address);
    const use = settings.getByRole('checkbox', { name: `Use ${slot} for decryption` });
    await use.check();
    await expect(use).toBeChecked();
  }
  await closeSettings(page);
}

/**
 * Clicks the message's row. Unlike smime-browser's openMessage it does not wait for the heading:
 * the reading pane says "Loading…" until the card has answered, and the PIN dialog comes first.
 */
async function clickMessage(page: Page, subject: string) {
  const row = page.getByRole('listbox', { name: 'Messages' }).getByRole('option', { name: new RegExp(escapeRegExp(subject)) });
  await row.click();
  const pane = page.getByRole('region', { name: 'Reading pane' });
  return { row, pane, heading: pane.getByRole('heading', { name: subject }), banner: pane.getByRole('region', { name: 'Message security' }) };
}

const pinDialog = (page: Page) => page.getByRole('dialog', { name: 'Smart card PIN' });

async function enterPin(page: Page, pin: string): Promise<void> {
  await pinDialog(page).getByLabel('PIN').fill(pin);
  await pinDialog(page).getByRole('button', { name: 'Continue' }).click();
}

type Opened = Awaited<ReturnType<typeof clickMessage>>;

/** What the card's opening shows: the heading, the plaintext in the frame, the banner for this certificate, the row's mark. */
async function expectReadWithCard(page: Page, { row, heading, banner }: Opened, { address, serial }: { address: string; serial: string }) {
  await expect(pinDialog(page)).toBeHidden();
  await expect(heading).toBeVisible({ timeout: 20_000 });
  await expect(messageBody(page).getByText(TEXT)).toBeVisible();
  await expect(banner).toContainText(encryptedFor(address, serial));
  await expect(banner).toContainText(NOT_SIGNED);
  await expect(row.getByRole('img', { name: 'Encrypted' })).toBeVisible();
}

/** Opens the message, answers the PIN dialog for `slot` when `pin` is given, and checks the card opened it. */
async function readWithCard(page: Page, subject: string, { address, serial, slot, pin }: { address: string; serial: string; slot?: string; pin?: string }) {
  const opened = await clickMessage(page, subject);
  if (slot && pin) {
    await expect(pinDialog(page)).toContainText(`to use the key in slot ${slot}.`);
    await enterPin(page, pin);
  }
  await expectReadWithCard(page, opened, { address, serial });
}

/** An unprotected message, to open something else before opening a message again. */
const plainMessage = (subject: string) =>
  Buffer.from(`From: alice@sealpost.test\r\nTo: ${READER}@sealpost.test\r\nSubject: ${subject}\r\nMIME-Version: 1.0\r\n${textEntity('nothing secret')}`);

const aliceOnCard = (alice: DemoUser, extra: FakeCardSlot[] = []): FakeCardSlot[] => [{ slot: 0x9d, keyFile: alice.key, certFile: alice.cert }, ...extra];

test("RSA PKCS#1 v1.5 and RSA-OAEP mail to alice's certificate opens with her key in 9D after a wrong PIN, asked once", async ({ page }) => {
  test.setTimeout(120_000);
  const alice = await demoUser('alice');
  const id = randomUUID().slice(0, 8);
  const mail = [
    { subject: `Card v1.5 ${id}`, keyopt: [], algorithm: /algorithm: rsaEncryption/ },
    { subject: `Card OAEP ${id}`, keyopt: ['rsa_padding_mode:oaep'], algorithm: /algorithm: rsaesOaep(?![^]*sha256)/ },
    { subject: `Card OAEP-256 ${id}`, keyopt: ['rsa_padding_mode:oaep', 'rsa_oaep_md:sha256', 'rsa_mgf1_md:sha256'], algorithm: /algorithm: rsaesOaep[^]*sha256/ },
  ];
  for (const m of mail) {
    const raw = encryptTo(alice.cert, m.subject, m.keyopt);
    // OpenSSL's own reading of the RecipientInfo: the padding is the one asked for.
    expect(cmsPrint(raw)).toMatch(m.algorithm);
    await appendMessage(READER, raw);
  }

  await installFakeCardReader(page, { pin: PIN, slots: aliceOnCard(alice) });
  await signIn(page, READER);
  await connectCard(page, [{ slot: '9D', address: alice.email }]);
  const serial = serialOf(alice.cert);

  const first = await clickMessage(page, mail[0]!.subject);
  await expect(pinDialog(page)).toContainText('to use the key in slot 9D.');
  await expect(pinDialog(page)).toContainText('Tries left: 3');
  await enterPin(page, '000000');
  await expect(pinDialog(page).getByRole('alert')).toHaveText('Wrong PIN. 2 tries left.');
  await enterPin(page, PIN);
  await expectReadWithCard(page, first, { address: alice.email, serial });
  // 9D is a PIN-once key (PIV's default): the card stays verified for the next messages.
  for (const m of mail.slice(1)) await readWithCard(page, m.subject, { address: alice.email, serial });
});

test("mail to alice's old certificate opens with the key kept in retired slot 82, and only while 82 is ticked", async ({ page }) => {
  test.setTimeout(90_000);
  const alice = await demoUser('alice');
  const subject = `Card old key ${randomUUID().slice(0, 8)}`;
  const other = `Card plain ${randomUUID().slice(0, 8)}`;
  await appendMessage(READER, encryptTo(oldAlice.certPath, subject, ['rsa_padding_mode:oaep']));
  await appendMessage(READER, plainMessage(other));

  await installFakeCardReader(page, { pin: PIN, slots: aliceOnCard(alice, [{ slot: 0x82, keyFile: oldAlice.keyPath, certFile: oldAlice.certPath }]) });
  await signIn(page, READER);
  await connectCard(page, [
    { slot: '9D', address: alice.email },
    { slot: '82', address: alice.email },
  ]);

  // Unticked, the old key is not offered: the card's current key is no recipient, so no PIN is asked.
  await useForDecryption(page, '82', false);
  const unticked = await clickMessage(page, subject);
  await expect(unticked.heading).toBeVisible();
  await expect(unticked.banner).toContainText('This message is encrypted and cannot be decrypted: it was not encrypted for any of your certificates.');
  await expect(pinDialog(page)).toBeHidden();
  await expect(messageBody(page).getByText(TEXT)).toHaveCount(0);

  await useForDecryption(page, '82', true);
  await expect((await clickMessage(page, other)).heading).toBeVisible();
  await readWithCard(page, subject, { address: alice.email, serial: serialOf(oldAlice.certPath), slot: '82', pin: PIN });
});

test('ECDH (P-256 KeyAgreeRecipientInfo) mail opens with the EC key in 9D', async ({ page }) => {
  test.setTimeout(90_000);
  const subject = `Card ECDH ${randomUUID().slice(0, 8)}`;
  const raw = encryptTo(ecCard.certPath, subject);
  expect(cmsPrint(raw)).toMatch(/KeyAgreeRecipientInfo|d\.kari/);
  await appendMessage(READER, raw);

  await installFakeCardReader(page, { pin: PIN, slots: [{ slot: 0x9d, keyFile: ecCard.keyPath, certFile: ecCard.certPath }] });
  await signIn(page, READER);
  await connectCard(page, [{ slot: '9D', address: ecCard.email! }]);
  await readWithCard(page, subject, { address: ecCard.email!, serial: serialOf(ecCard.certPath), slot: '9D', pin: PIN });
});

test('a cancelled PIN leaves the message unread with a clear reason, and it opens when read again', async ({ page }) => {
  test.setTimeout(90_000);
  const alice = await demoUser('alice');
  const subject = `Card cancelled ${randomUUID().slice(0, 8)}`;
  const other = `Card plain ${randomUUID().slice(0, 8)}`;
  await appendMessage(READER, encryptTo(alice.cert, subject));
  await appendMessage(READER, plainMessage(other));

  await installFakeCardReader(page, { pin: PIN, slots: aliceOnCard(alice) });
  await signIn(page, READER);
  await connectCard(page, [{ slot: '9D', address: alice.email }]);

  const { row, heading, banner } = await clickMessage(page, subject);
  await pinDialog(page).getByRole('button', { name: 'Cancel' }).click();
  await expect(pinDialog(page)).toBeHidden();
  await expect(heading).toBeVisible();
  await expect(banner).toHaveText(/^This message is encrypted and cannot be decrypted: the key on your smart card could not be used\. The PIN was not entered\./);
  await expect(messageBody(page).getByText(TEXT)).toHaveCount(0);
  await expect(row).toBeVisible();
  expect(await folderSubjects(READER, 'INBOX')).toContain(subject);

  await expect((await clickMessage(page, other)).heading).toBeVisible();
  await readWithCard(page, subject, { address: alice.email, serial: serialOf(alice.cert), slot: '9D', pin: PIN });
});

/** `openssl cms -cmsout -print` of an S/MIME message: OpenSSL's own reading of its structure. */
function cmsPrint(raw: Buffer): string {
  const file = pki.file(`${randomUUID()}.eml`);
  fs.writeFileSync(file, raw);
  return execFileSync('openssl', ['cms', '-cmsout', '-print', '-in', file], { stdio: ['ignore', 'pipe', 'pipe'] }).toString();
}
