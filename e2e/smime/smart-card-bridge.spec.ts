import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { type Browser, type Page, chromium, expect, test } from '@playwright/test';

import { freeVpcdPort, startPcscd, vpcdReader, type Pcscd } from '../../tests/support/pcscd';
import { type IssuedCert, type TestPki, createTestPki } from '../../tests/support/test-pki';
import { attachCardToVpcd, type VpcdCard } from '../../tests/support/vpcd-card';
import { createPivSimulator } from '../../lib/webusb-token/simulator/piv-simulator';
import { waitForMessages } from '../support/imap-read';
import { signIn } from '../support/login';
import { appendMessage } from '../support/mailbox';
import { escapeRegExp, messageBody, openMessage, pressSend } from '../support/smime-browser';
import { type DemoUser, demoTrustAnchors, demoUser, opensslVerify } from '../support/smime-demo';
import { opensslEncrypt, textEntity } from '../support/smime-pki';

// The smart card through the local bridge, every part real but the card: a private pcscd with a
// vpcd reader holding the PIV simulator with alice's demo key, the bridge as its own process
// (`bridge/pcsc-bridge.ts`, as `npm run bridge` starts it), and Chromium trusting the bridge's own
// certificate only by its SPKI hash (--ignore-certificate-errors-spki-list, what the bridge
// prints). The user pairs with the printed code in Settings; alice signs mail OpenSSL verifies
// and reads mail OpenSSL encrypted to her, each with the PIN typed in the app's dialog.

test.describe.configure({ mode: 'serial' });

const ROOT = path.resolve(__dirname, '../..');
const PIN = '123456';
const RECIPIENT = 'walter';

let alice: DemoUser;
let pcscd: Pcscd;
let card: VpcdCard;
let bridge: ChildProcess;
let bridgeOutput = '';
let configDir: string;
let bridgeUrl: string;
let spki: string;
let browser: Browser;
let pki: TestPki;
/** An older EC P-256 key of alice's, kept in retired slot 82 (made by a throwaway CA). */
let aliceEc: IssuedCert;

const der = (args: string[]) => new Uint8Array(execFileSync('openssl', args, { stdio: ['ignore', 'pipe', 'pipe'] }));

async function until<T>(probe: () => T | undefined, what: string, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}\n--- bridge ---\n${bridgeOutput}\n--- pcscd ---\n${pcscd?.log() ?? ''}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** The newest code: the bridge prints a new one after each pairing. */
const pairingCode = () => [...bridgeOutput.matchAll(/Pairing code: ([0-9A-Z]{4}-[0-9A-Z]{4})/g)].at(-1)?.[1];

test.beforeAll(async ({ baseURL }) => {
  test.setTimeout(120_000);
  alice = await demoUser('alice');
  const key = der(['pkcs8', '-topk8', '-nocrypt', '-in', alice.key, '-outform', 'DER']);
  const cert = der(['x509', '-in', alice.cert, '-outform', 'DER']);
  pki = createTestPki('sealpost-e2e-bridge-pki-');
  aliceEc = pki.issue({ name: 'alice-ec', key: 'p256', email: alice.email });
  const port = await freeVpcdPort();
  pcscd = await startPcscd([vpcdReader(port)]);
  const slots = {
    0x9c: { privateKeyPkcs8: key, certificateDer: cert },
    0x9d: { privateKeyPkcs8: key, certificateDer: cert },
    0x82: { privateKeyPkcs8: aliceEc.keyPkcs8, certificateDer: aliceEc.certDer },
  };
  card = await attachCardToVpcd(createPivSimulator({ pin: PIN, slots }), port);
  await card.powered;

  configDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sealpost-e2e-bridge-'));
  const origin = new URL(baseURL!).origin;
  bridge = spawn(process.execPath, ['--import', 'tsx', 'bridge/pcsc-bridge.ts', '--origin', origin, '--port', '0', '--config-dir', configDir], {
    cwd: ROOT,
    env: pcscd.clientEnv(),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  bridge.stdout?.on('data', (chunk: Buffer) => (bridgeOutput += chunk.toString()));
  bridge.stderr?.on('data', (chunk: Buffer) => (bridgeOutput += chunk.toString()));
  bridgeUrl = `wss://127.0.0.1:${await until(() => /listening on wss:\/\/127\.0\.0\.1:(\d+)/.exec(bridgeOutput)?.[1], 'the bridge to listen')}`;
  spki = await until(() => /SPKI SHA-256: (\S+)/.exec(bridgeOutput)?.[1], 'the SPKI hash');

  // The project's own launch options, plus trust in the bridge's certificate alone.
  const launchOptions = test.info().project.use.launchOptions ?? {};
  browser = await chromium.launch({ ...launchOptions, args: [...(launchOptions.args ?? []), `--ignore-certificate-errors-spki-list=${spki}`] });
});

test.afterAll(async () => {
  await browser?.close();
  if (bridge && bridge.exitCode === null && bridge.signalCode === null) {
    const exited = new Promise((resolve) => bridge.once('exit', resolve));
    bridge.kill('SIGTERM');
    const killer = setTimeout(() => bridge.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(killer);
  }
  await card?.close();
  await pcscd?.stop();
  if (configDir) fs.rmSync(configDir, { recursive: true, force: true });
  pki?.cleanup();
});

async function newPage(baseURL: string | undefined): Promise<Page> {
  const context = await browser.newContext({ baseURL, locale: 'en-US', timezoneId: 'UTC' });
  return context.newPage();
}

/** Signs alice in, pairs with the newest printed code and connects the card through the bridge. */
async function connectThroughBridge(page: Page) {
  await signIn(page, 'alice');
  const settings = await openSmartCardSettings(page);
  const bridgeForm = settings.getByRole('form', { name: 'Local bridge' });
  await bridgeForm.getByLabel('Bridge address').fill(bridgeUrl);
  await bridgeForm.getByLabel('Pairing code').fill(await until(pairingCode, 'a pairing code'));
  await bridgeForm.getByRole('button', { name: 'Connect (local bridge)' }).click();
  await expect(settings.getByRole('status', { name: 'Smart card status' })).toHaveText('Connected: Virtual PCD 00 00');
  return settings;
}

async function openSmartCardSettings(page: Page) {
  await page.getByRole('banner').getByRole('button', { name: 'Settings' }).click();
  const settings = page.getByRole('dialog', { name: 'Settings' });
  await settings.getByRole('tab', { name: 'Smart card' }).click();
  return settings;
}

async function enterPin(page: Page) {
  const pinDialog = page.getByRole('dialog', { name: 'Smart card PIN' });
  await expect(pinDialog).toContainText(/Tries left: \d/);
  await pinDialog.getByLabel('PIN').fill(PIN);
  await pinDialog.getByRole('button', { name: 'Continue' }).click();
  await expect(pinDialog).toBeHidden();
}

test('pairing: a wrong code is refused, the printed one pairs, and the browser keeps the pairing', async ({ baseURL }) => {
  const page = await newPage(baseURL);
  await signIn(page, 'alice');
  let settings = await openSmartCardSettings(page);
  const bridgeForm = settings.getByRole('form', { name: 'Local bridge' });
  await bridgeForm.getByLabel('Bridge address').fill(bridgeUrl);

  await bridgeForm.getByRole('button', { name: 'Connect (local bridge)' }).click();
  await expect(settings.getByRole('alert')).toContainText('not paired with the card bridge yet');

  const code = await until(pairingCode, 'a pairing code');
  const wrong = code.startsWith('A') ? `B${code.slice(1)}` : `A${code.slice(1)}`;
  await bridgeForm.getByLabel('Pairing code').fill(wrong);
  await bridgeForm.getByRole('button', { name: 'Connect (local bridge)' }).click();
  await expect(settings.getByRole('alert')).toContainText('the pairing code was wrong');

  await bridgeForm.getByLabel('Pairing code').fill(code.toLowerCase());
  await bridgeForm.getByRole('button', { name: 'Connect (local bridge)' }).click();
  await expect(settings.getByRole('status', { name: 'Smart card status' })).toHaveText('Connected: Virtual PCD 00 00');
  await expect(settings.getByRole('table', { name: 'Card certificates' }).getByRole('row').filter({ hasText: '9C' })).toContainText(alice.email);
  await expect(bridgeForm).toContainText('This browser is paired with the bridge.');
  await expect(bridgeForm.getByLabel('Pairing code')).toHaveCount(0);

  // After a reload the page presents the kept token: no code asked, the address remembered.
  await page.reload();
  settings = await openSmartCardSettings(page);
  await expect(settings.getByRole('form', { name: 'Local bridge' }).getByLabel('Bridge address')).toHaveValue(bridgeUrl);
  await settings.getByRole('button', { name: 'Connect (local bridge)' }).click();
  await expect(settings.getByRole('status', { name: 'Smart card status' })).toHaveText('Connected: Virtual PCD 00 00');
  await page.context().close();
});

test('alice signs through the bridge with the PIN in the app, and OpenSSL verifies the mail', async ({ baseURL }) => {
  test.setTimeout(90_000);
  const page = await newPage(baseURL);
  const settings = await connectThroughBridge(page);
  await settings.getByRole('checkbox', { name: 'Use 9C for signing' }).check();
  await settings.getByRole('button', { name: 'Close', exact: true }).last().click();

  const subject = `Bridge-signed ${randomUUID()}`;
  const text = 'Signed on a card behind the local bridge.';
  await pressSend(page, { to: `${RECIPIENT}@sealpost.test`, subject, body: text, sign: true });
  await enterPin(page);
  await expect(page.getByRole('status').filter({ hasText: 'Message sent.' })).toBeVisible({ timeout: 30_000 });

  const [delivered] = await waitForMessages(RECIPIENT, 'INBOX', subject);
  // Against the demo root alone: the card has only the leaf, the app added the issuing CA.
  expect(opensslVerify(delivered!.source, await demoTrustAnchors()).toString('latin1')).toContain(text);
  await page.context().close();
});

test('alice reads mail OpenSSL encrypted to her certificate, decrypted by the card behind the bridge', async ({ baseURL }) => {
  test.setTimeout(90_000);
  const subject = `Encrypted to the card ${randomUUID()}`;
  const text = 'Only the card in the reader can open this.';
  await appendMessage('alice', await opensslEncrypt('alice', textEntity(text), { subject, from: 'bob@sealpost.test' }));

  const page = await newPage(baseURL);
  const settings = await connectThroughBridge(page);
  await expect(settings.getByRole('checkbox', { name: 'Use 9D for decryption' })).toBeChecked();
  await settings.getByRole('button', { name: 'Close', exact: true }).last().click();

  const opened = openMessage(page, subject);
  await enterPin(page);
  const { banner } = await opened;
  await expect(messageBody(page).getByText(text)).toBeVisible();
  await expect(banner).toContainText(new RegExp(`^Encrypted with AES-256-CBC for your certificate ${escapeRegExp(alice.email)}`));
  await page.context().close();
});

test('RSA-OAEP to 9D and ECDH to the EC key in retired slot 82 open through the bridge', async ({ baseURL }) => {
  test.setTimeout(90_000);
  const id = randomUUID();
  const oaep = { subject: `OAEP through the bridge ${id}`, text: 'OAEP-wrapped key, unwrapped on the card.' };
  const ecdh = { subject: `ECDH through the bridge ${id}`, text: 'Agreed on the card in slot 82.' };
  await appendMessage('alice', opensslEncryptTo(alice.cert, oaep, ['rsa_padding_mode:oaep', 'rsa_oaep_md:sha256']));
  await appendMessage('alice', opensslEncryptTo(aliceEc.certPath, ecdh));

  const page = await newPage(baseURL);
  const settings = await connectThroughBridge(page);
  await expect(settings.getByRole('checkbox', { name: 'Use 82 for decryption' })).toBeChecked();
  await settings.getByRole('button', { name: 'Close', exact: true }).last().click();

  const first = openMessage(page, oaep.subject);
  await enterPin(page);
  await first;
  await expect(messageBody(page).getByText(oaep.text)).toBeVisible();
  // The card stays verified for this connection: the EC key agrees without a second PIN.
  const { banner } = await openMessage(page, ecdh.subject);
  await expect(messageBody(page).getByText(ecdh.text)).toBeVisible();
  await expect(banner).toContainText(new RegExp(`^Encrypted with AES-256-CBC for your certificate ${escapeRegExp(alice.email)} \\(serial`));
  await page.context().close();
});

/** `openssl cms -encrypt` (AES-256-CBC) to one certificate file, with recipient options (OAEP). */
function opensslEncryptTo(certFile: string, { subject, text }: { subject: string; text: string }, keyopt: string[] = []): Buffer {
  const input = pki.file(`${randomUUID()}.txt`);
  fs.writeFileSync(input, textEntity(text));
  const args = ['cms', '-encrypt', '-aes-256-cbc', '-in', input, '-from', 'bob@sealpost.test', '-to', alice.email, '-subject', subject, '-recip', certFile];
  return execFileSync('openssl', [...args, ...keyopt.flatMap((o) => ['-keyopt', o])], { stdio: ['ignore', 'pipe', 'pipe'] });
}
