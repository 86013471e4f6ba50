import { randomInt, randomUUID } from 'node:crypto';

import { expect, test } from '@playwright/test';

import { installFakeCardReader } from '../support/fake-webusb';
import { findMessages, waitForMessages } from '../support/imap-read';
import { signIn } from '../support/login';
import { pressSend } from '../support/smime-browser';
import { RequestRecorder, describeRequests, findLeaks } from '../support/request-recorder';
import { textSecret } from '../support/smime-secrets';
import { demoTrustAnchors, demoUser, opensslVerify } from '../support/smime-demo';

// Signing with a smart card in real Chromium: navigator.usb is a simulated CCID reader holding a
// PIV card with alice's demo key (e2e/support/fake-webusb.ts); the app's WebUSB connector, CCID
// driver and PIV client run unchanged. Alice's fresh context has no soft key, so a signature
// OpenSSL verifies can only come from the card. Mail goes to walter (mailbox-only user).

const RECIPIENT = 'walter';
// Random 8-digit PINs (PIV allows 6 to 8), so a match in the recorded traffic is a leak, not chance.
const pin = () => String(randomInt(10_000_000, 100_000_000));
const PIN = pin();
const WRONG = [pin(), pin()].map((p) => (p === PIN ? `${p.slice(0, 7)}${(Number(p[7]) + 1) % 10}` : p));

test('alice connects her card, signs with slot 9C after a wrong PIN, and OpenSSL verifies the mail; no PIN leaves the browser', async ({ context, page }) => {
  test.setTimeout(90_000);
  // Every request of the context, workers included (e2e/support/request-recorder.ts, proven by
  // the canaries of e2e/smime/privacy.spec.ts), searched for the typed PINs in every encoding.
  const recorder = await RequestRecorder.attach(context);
  const alice = await demoUser('alice');
  await installFakeCardReader(page, { pin: PIN, slots: [0x9c, 0x9d].map((slot) => ({ slot, keyFile: alice.key, certFile: alice.cert })) });
  await signIn(page, 'alice');

  await page.getByRole('banner').getByRole('button', { name: 'Settings' }).click();
  const settings = page.getByRole('dialog', { name: 'Settings' });
  await settings.getByRole('tab', { name: 'Smart card' }).click();
  await settings.getByRole('button', { name: 'Connect (WebUSB)' }).click();
  await expect(settings.getByRole('status', { name: 'Smart card status' })).toHaveText('Connected: Simulated CCID reader');
  const table = settings.getByRole('table', { name: 'Card certificates' });
  for (const slot of ['9C', '9D']) {
    await expect(table.getByRole('row').filter({ has: page.getByRole('cell', { name: slot, exact: true }) })).toContainText(alice.email);
  }
  await settings.getByRole('checkbox', { name: 'Use 9C for signing' }).check();
  await settings.getByRole('button', { name: 'Close', exact: true }).last().click();
  await expect(settings).toBeHidden();

  const subject = `Card-signed ${randomUUID()}`;
  const text = 'Signed by the key on my card.';
  await pressSend(page, { to: `${RECIPIENT}@sealpost.test`, subject, body: text, sign: true });

  const pinDialog = page.getByRole('dialog', { name: 'Smart card PIN' });
  await expect(pinDialog).toContainText('Tries left: 3');
  await pinDialog.getByLabel('PIN').fill(WRONG[0]!);
  await pinDialog.getByRole('button', { name: 'Continue' }).click();
  await expect(pinDialog.getByRole('alert')).toHaveText('Wrong PIN. 2 tries left.');
  await pinDialog.getByLabel('PIN').fill(WRONG[1]!);
  await pinDialog.getByRole('button', { name: 'Continue' }).click();
  await expect(pinDialog.getByRole('alert')).toHaveText('Wrong PIN. 1 try left.');
  await expect(pinDialog).toContainText('One try left: a wrong PIN blocks the card.');
  await pinDialog.getByLabel('PIN').fill(PIN);
  await pinDialog.getByRole('button', { name: 'Continue' }).click();
  await expect(pinDialog).toBeHidden();
  await expect(page.getByRole('status').filter({ hasText: 'Message sent.' })).toBeVisible({ timeout: 30_000 });

  const [delivered] = await waitForMessages(RECIPIENT, 'INBOX', subject);
  // Against the demo root alone: the card holds only alice's certificate, so the issuing CA in
  // the signature is the one the app found (AIA caIssuers through the relay) and added.
  const content = opensslVerify(delivered!.source, await demoTrustAnchors());
  expect(content.toString('latin1')).toContain(text);

  await recorder.settle();
  const requests = recorder.requests;
  await recorder.detach();
  expect(requests.some((r) => r.method === 'POST' && new URL(r.url).pathname === '/api/send'), describeRequests(requests)).toBe(true);
  const secrets = [PIN, ...WRONG].map((p, i) => textSecret(`smart card PIN ${i}`, p));
  expect(findLeaks(requests, secrets), describeRequests(requests)).toEqual([]);
});

test('a PIN dialog cancelled while sending: nothing is sent, the composer says why and the draft is kept', async ({ page }) => {
  test.setTimeout(90_000);
  const alice = await demoUser('alice');
  await installFakeCardReader(page, { pin: PIN, slots: [{ slot: 0x9c, keyFile: alice.key, certFile: alice.cert }] });
  await signIn(page, 'alice');
  await page.getByRole('banner').getByRole('button', { name: 'Settings' }).click();
  const settings = page.getByRole('dialog', { name: 'Settings' });
  await settings.getByRole('tab', { name: 'Smart card' }).click();
  await settings.getByRole('button', { name: 'Connect (WebUSB)' }).click();
  await settings.getByRole('checkbox', { name: 'Use 9C for signing' }).check();
  await settings.getByRole('button', { name: 'Close', exact: true }).last().click();

  const subject = `Card PIN cancelled ${randomUUID()}`;
  const compose = await pressSend(page, { to: `${RECIPIENT}@sealpost.test`, subject, body: 'Not without the PIN.', sign: true });
  const pinDialog = page.getByRole('dialog', { name: 'Smart card PIN' });
  await pinDialog.getByRole('button', { name: 'Cancel' }).click();

  await expect(compose.getByRole('alert')).toHaveText(
    /^The message was not sent: the key on your smart card could not be used \(.+\)\. It is kept in Drafts; check the card and send again\.$/,
  );
  await expect(compose).toBeVisible();
  const [draft] = await waitForMessages('alice', 'Drafts', subject);
  expect(draft!.source.toString('latin1')).toContain('Not without the PIN.');
  expect(await findMessages(RECIPIENT, 'INBOX', subject)).toEqual([]);
});
