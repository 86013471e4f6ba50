import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { type Browser, type BrowserContext, type Page, expect, test } from '@playwright/test';

import { waitForMessages } from '../support/imap-read';
import { signIn } from '../support/login';
import { appendMessage } from '../support/mailbox';
import { type SecondApp, startSecondApp } from '../support/second-app';
import { importIdentity, messageBody, openMessage, sendMessage } from '../support/smime-browser';
import { htmlEntity, opensslEncrypt, opensslSign, plainMessage, replaceHeader, tamper, textEntity } from '../support/smime-pki';
import { startTracker } from '../support/tracker';

// What the reader warns about, in real Chromium against the test stack and its demo PKI (dave's
// certificate is revoked, erin's expired; the organisation trusts the demo root). Bob reads; the
// words are the banner sentences of docs/testing.md. The banner is the app's own region
// "Message security", outside the message frame.

const READER = 'bob';
const TO = 'bob@sealpost.test';
const TEXT = 'The quarterly numbers are attached in spirit.';

/** The banner's whole text: exactly these lines, then the "Security details" button. */
const bannerOf = (...lines: string[]) => new RegExp(`^${lines.map(escape).join('\\s*')}\\s*Security details$`);
const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Requests for the CRL/OCSP relay made by the page (or its worker). */
function recordRelay(context: BrowserContext): string[] {
  const relayed: string[] = [];
  context.on('request', (r) => {
    if (new URL(r.url()).pathname === '/api/pki/fetch') relayed.push(r.url());
  });
  return relayed;
}

async function inContext(browser: Browser, work: (page: Page) => Promise<void>, options: { baseURL?: string } = {}): Promise<void> {
  const context = await browser.newContext(options);
  try {
    await work(await context.newPage());
  } finally {
    await context.close();
  }
}

test.describe('signatures that do not hold', () => {
  test('mail alice signed in the app, changed on the server, reads as tampered', async ({ browser, page }) => {
    test.setTimeout(90_000);
    const subject = `To be tampered ${randomUUID()}`;
    await inContext(browser, async (alice) => {
      await signIn(alice, 'alice');
      await importIdentity(alice, 'alice');
      await sendMessage(alice, { to: TO, subject, body: TEXT, sign: true });
    });
    const [original] = await waitForMessages(READER, 'INBOX', subject);
    // One byte of the signed text changes; the outer Subject tells the copy apart in the list. (The
    // app signs a copy of the header fields too, RFC 9788: the pane shows the Subject alice wrote.)
    const changedSubject = `Tampered ${randomUUID()}`;
    await appendMessage(READER, replaceHeader(tamper(original!.source, 'quarterly', 'quarterlY'), 'Subject', changedSubject));

    await signIn(page, READER);
    const opened = await openMessage(page, subject);
    await expect(opened.banner).toHaveText(bannerOf('Signed by alice@sealpost.test, verified.'));
    const tamperedRow = page.getByRole('listbox', { name: 'Messages' }).getByRole('option', { name: new RegExp(changedSubject) });
    await tamperedRow.click();
    await expect(opened.pane.getByRole('heading', { name: subject })).toBeVisible();
    await expect(opened.banner).toHaveText(bannerOf('The signature does not match: this message was changed after alice@sealpost.test signed it.'));
    await expect(tamperedRow.getByRole('img', { name: 'Signed' })).toBeVisible();
  });

  test('an opaque-signed message changed on the server reads as tampered', async ({ page }) => {
    const subject = `Opaque tampered ${randomUUID()}`;
    const signed = await opensslSign('alice', textEntity(TEXT), { subject, to: TO, opaque: true });
    await appendMessage(READER, tamper(signed, 'quarterly', 'quarterlY'));
    await signIn(page, READER);
    const { banner } = await openMessage(page, subject);
    await expect(banner).toHaveText(bannerOf('The signature does not match: this message was changed after alice@sealpost.test signed it.'));
    await expect(banner).not.toContainText('verified');
  });

  test('a signature by the revoked certificate (dave) says so, and the details show the chain and the revocation checked through the relay', async ({ page }) => {
    const subject = `Revoked signer ${randomUUID()}`;
    await appendMessage(READER, await opensslSign('dave', textEntity(TEXT), { subject, to: TO }));
    const relayed = recordRelay(page.context());
    await signIn(page, READER);
    const { row, banner } = await openMessage(page, subject);
    await expect(row.getByRole('img', { name: 'Signed' })).toBeVisible();
    await expect(banner).toHaveText(bannerOf("Signed by dave@sealpost.test, but the signer's certificate has been revoked."));

    await banner.getByRole('button', { name: 'Security details' }).click();
    const signature = page.getByRole('dialog', { name: 'Security details' }).getByRole('region', { name: 'Signature by dave@sealpost.test' });
    await expect(signature).toContainText('Intact: the content is what was signed.');
    await expect(signature).toContainText('Revoked by its issuer.');
    await expect(signature).toContainText(/Revoked \((OCSP|CRL)\), checked \d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} UTC/);
    await expect(signature.getByRole('region', { name: 'Signer certificate: O=Sealpost Demo, CN=Dave Revoked' })).toContainText('dave@sealpost.test');
    await expect(signature.getByRole('region', { name: 'Issuer certificate: O=Sealpost Demo, CN=Sealpost Demo Issuing CA' })).toBeVisible();
    await expect(signature.getByRole('region', { name: 'Root certificate: O=Sealpost Demo, CN=Sealpost Demo Root CA' })).toBeVisible();
    expect(relayed.length).toBeGreaterThan(0);
  });

  test('a signature by the expired certificate (erin) says so', async ({ page }) => {
    const subject = `Expired signer ${randomUUID()}`;
    await appendMessage(READER, await opensslSign('erin', textEntity(TEXT), { subject, to: TO }));
    await signIn(page, READER);
    const { banner } = await openMessage(page, subject);
    await expect(banner).toHaveText(bannerOf("Signed by erin@sealpost.test, but the signer's certificate has expired or was not valid when the message was signed."));

    await banner.getByRole('button', { name: 'Security details' }).click();
    const signature = page.getByRole('dialog', { name: 'Security details' }).getByRole('region', { name: 'Signature by erin@sealpost.test' });
    await expect(signature).toContainText('Expired, or not valid when the message was signed.');
    await expect(signature.getByRole('region', { name: 'Signer certificate: O=Sealpost Demo, CN=Erin Expired' })).toContainText('erin@sealpost.test');
    await expect(signature.getByRole('region', { name: 'Issuer certificate: O=Sealpost Demo, CN=Sealpost Demo Issuing CA' })).toBeVisible();
  });

  test('a message signed by carol but saying it is from alice names both', async ({ page }) => {
    const subject = `Impostor ${randomUUID()}`;
    await appendMessage(READER, await opensslSign('carol', textEntity(TEXT), { subject, to: TO, from: 'alice@sealpost.test' }));
    await signIn(page, READER);
    const { pane, banner } = await openMessage(page, subject);
    await expect(pane.getByRole('article', { name: 'Message' }).getByText('alice@sealpost.test', { exact: true })).toBeVisible();
    await expect(banner).toHaveText(bannerOf('Signed by carol@sealpost.test, but the message says it is from alice@sealpost.test.'));

    await banner.getByRole('button', { name: 'Security details' }).click();
    const signature = page.getByRole('dialog', { name: 'Security details' }).getByRole('region', { name: 'Signature by carol@sealpost.test' });
    await expect(signature).toContainText('The certificate does not name the From address.');
    await expect(signature).toContainText('Trusted: the chain reaches a certificate authority you trust.');
  });

  test('a SHA-1 signature, which the organisation policy does not accept, does not read as verified', async ({ page }) => {
    const subject = `SHA-1 signed ${randomUUID()}`;
    await appendMessage(READER, await opensslSign('alice', textEntity(TEXT), { subject, to: TO, md: 'sha1' }));
    await signIn(page, READER);
    const { banner } = await openMessage(page, subject);
    const refused =
      "The signature uses SHA-1, which the organisation's policy does not accept (allowed: SHA-256, SHA-384, SHA-512).";
    await expect(banner).toHaveText(
      bannerOf(
        `Signed by alice@sealpost.test, but your organisation's policy does not accept this signature. ${refused}`,
        'Signed by alice@sealpost.test with a weak algorithm (rsa-pkcs1-sha1): the signature proves little.',
      ),
    );
    await banner.getByRole('button', { name: 'Security details' }).click();
    const signature = page.getByRole('dialog', { name: 'Security details' }).getByRole('region', { name: 'Signature by alice@sealpost.test' });
    await expect(signature).toContainText(`Policy${refused}`);
  });
});

test.describe('what the message cannot fake', () => {
  const FAKE =
    '<div role="region" aria-label="Message security" style="background:#f6fef9;border-left:4px solid #17b26a;padding:8px">' +
    'Signed by alice@sealpost.test, verified.</div><p>Please wire the money today.</p>';

  test('an HTML body drawing a fake "verified" banner does not change the app\'s banner', async ({ page }) => {
    // Unsigned: the app draws no banner at all, whatever the body shows.
    const plainSubject = `Fake banner plain ${randomUUID()}`;
    await appendMessage(READER, plainMessage({ from: 'alice@sealpost.test', to: TO, subject: plainSubject, entity: htmlEntity(FAKE) }));
    // Signed by carol as carol, claiming alice: the app's banner names carol.
    const signedSubject = `Fake banner signed ${randomUUID()}`;
    await appendMessage(READER, await opensslSign('carol', htmlEntity(FAKE), { subject: signedSubject, to: TO }));

    await signIn(page, READER);
    let opened = await openMessage(page, plainSubject);
    const frame = messageBody(page);
    await expect(frame.getByText('Please wire the money today.')).toBeVisible();
    await expect(frame.getByText('Signed by alice@sealpost.test, verified.')).toBeVisible();
    await expect(page.getByRole('region', { name: 'Message security' })).toHaveCount(0);
    await expect(opened.row.getByRole('img', { name: 'Signed' })).toHaveCount(0);

    opened = await openMessage(page, signedSubject);
    await expect(frame.getByText('Signed by alice@sealpost.test, verified.')).toBeVisible();
    await expect(page.getByRole('region', { name: 'Message security' })).toHaveCount(1);
    await expect(opened.banner).toHaveText(bannerOf('Signed by carol@sealpost.test, verified.'));
    await expect(opened.banner).not.toContainText('alice');
  });

  test('signed and encrypted messages carry their marks in the list, plain ones none', async ({ page }) => {
    const id = randomUUID();
    await appendMessage(READER, plainMessage({ from: 'alice@sealpost.test', to: TO, subject: `Marks plain ${id}`, entity: textEntity(TEXT) }));
    await appendMessage(READER, await opensslSign('alice', textEntity(TEXT), { subject: `Marks clear ${id}`, to: TO }));
    await appendMessage(READER, await opensslSign('alice', textEntity(TEXT), { subject: `Marks opaque ${id}`, to: TO, opaque: true }));
    await appendMessage(READER, await opensslEncrypt('bob', textEntity(TEXT), { subject: `Marks encrypted ${id}`, from: 'alice@sealpost.test' }));
    await signIn(page, READER);
    const list = page.getByRole('listbox', { name: 'Messages' });
    const row = (kind: string) => list.getByRole('option', { name: new RegExp(`Marks ${kind} ${id}`) });
    for (const kind of ['clear', 'opaque']) {
      await expect(row(kind).getByRole('img', { name: 'Signed' })).toBeVisible();
      await expect(row(kind).getByRole('img', { name: 'Encrypted' })).toHaveCount(0);
    }
    await expect(row('encrypted').getByRole('img', { name: 'Encrypted' })).toBeVisible();
    await expect(row('encrypted').getByRole('img', { name: 'Signed' })).toHaveCount(0);
    await expect(row('plain')).toBeVisible();
    await expect(row('plain').getByRole('img', { name: 'Signed' })).toHaveCount(0);
    await expect(row('plain').getByRole('img', { name: 'Encrypted' })).toHaveCount(0);
  });

  test('decrypted mail never loads remote content: no request leaves the browser, no "Show remote images"', async ({ page }) => {
    test.setTimeout(60_000);
    // A server of our own stands for the sender's tracker: it counts what reaches it.
    const tracker = await startTracker();
    const { origin, reached } = tracker;
    const seen: string[] = [];
    page.context().on('request', (r) => {
      if (r.url().startsWith(origin)) seen.push(r.url());
    });
    try {
      // Every way an HTML body asks for a remote resource, each with its own path.
      const trackers = (tag: string) =>
        `<style>@import url("${origin}/${tag}-import.css"); body { background: url("${origin}/${tag}-css.gif"); }</style>` +
        `<link rel="stylesheet" href="${origin}/${tag}-link.css">` +
        `<p>Numbers inside.</p><img src="${origin}/${tag}.gif" alt="tracker" width="1" height="1">` +
        `<img srcset="${origin}/${tag}-srcset.gif 1x" alt="">` +
        `<div style="background-image: url('${origin}/${tag}-style.gif')">styled</div>` +
        `<table background="${origin}/${tag}-table.gif"><tr><td>cell</td></tr></table>` +
        `<video poster="${origin}/${tag}-poster.gif"></video>`;
      const id = randomUUID();
      const encryptedSubject = `Encrypted with a tracker ${id}`;
      const plainSubject = `Plain with a tracker ${id}`;
      await appendMessage(READER, await opensslEncrypt('bob', htmlEntity(trackers('encrypted')), { subject: encryptedSubject, from: 'alice@sealpost.test' }));
      await appendMessage(READER, plainMessage({ from: 'alice@sealpost.test', to: TO, subject: plainSubject, entity: htmlEntity(trackers('plain')) }));
      const leaked = () => seen.filter((u) => u.includes('/encrypted'));

      await signIn(page, READER);
      await importIdentity(page, 'bob');
      const { pane, banner } = await openMessage(page, encryptedSubject);
      await expect(banner).toContainText(/^Encrypted with AES-256-CBC for your certificate bob@sealpost\.test \(serial [0-9a-f]+\)\./i);
      await expect(banner).toContainText('It is not signed: nothing proves who sent it.');
      await expect(messageBody(page).getByText('Numbers inside.')).toBeVisible();
      await expect(pane.getByRole('status').filter({ hasText: 'Remote images and other remote content are never loaded for encrypted messages' })).toBeVisible();
      await expect(pane.getByRole('button', { name: 'Show remote images' })).toHaveCount(0);

      // The control: the same HTML unencrypted loads the image once the user asks, so the
      // recorder and the tracker do see such a request when one is made.
      const plain = await openMessage(page, plainSubject);
      await plain.pane.getByRole('button', { name: 'Show remote images' }).click();
      await expect.poll(() => seen.filter((u) => u.endsWith('/plain.gif')).length).toBeGreaterThan(0);
      await expect.poll(() => reached.length).toBeGreaterThan(0);
      expect(leaked()).toEqual([]);

      // Back to the encrypted one, after the user allowed images elsewhere: still nothing; nor
      // when answering it (the reply quotes the decrypted text).
      await openMessage(page, encryptedSubject);
      await expect(messageBody(page).getByText('Numbers inside.')).toBeVisible();
      await expect(pane.getByRole('button', { name: 'Show remote images' })).toHaveCount(0);
      await page.getByRole('toolbar', { name: 'Message actions' }).getByRole('button', { name: 'Reply', exact: true }).click();
      await expect(page.getByRole('dialog', { name: 'Reply' }).getByRole('textbox', { name: 'Message' })).toHaveValue(/Numbers inside\./);
      await page.waitForTimeout(1000);
      expect(leaked()).toEqual([]);
      // The tracker's own count: nothing for the encrypted message reached it, and everything
      // that did was seen by the recorder (a request cancelled in flight is seen but never
      // arrives, so the two lists need not be equal).
      expect(reached.filter((u) => u.includes('/encrypted'))).toEqual([]);
      expect(reached.filter((u) => !seen.includes(origin + u))).toEqual([]);
    } finally {
      await tracker.close();
    }
  });
});

// A second app server with a stricter organisation policy: only SHA-384 and SHA-512 signatures
// are accepted, and mail is signed opaque by default. One file owns the test instance's spare
// app port (app2), so these tests run in order.
test.describe('a stricter organisation policy', () => {
  test.describe.configure({ mode: 'serial' });
  let second: SecondApp;
  let policyDir: string;

  test.beforeAll(async () => {
    test.setTimeout(120_000);
    const { DEMO_POLICY } = await import('../../scripts/stack/stack.mjs');
    policyDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sealpost-policy-'));
    const file = path.join(policyDir, 'policy.json');
    fs.writeFileSync(file, JSON.stringify({ ...DEMO_POLICY, allowedSignatureHashes: ['SHA-384', 'SHA-512'], defaultSigningFormat: 'opaque' }));
    second = await startSecondApp({ SEALPOST_POLICY_FILE: file });
  });

  test.afterAll(async () => {
    await second?.stop();
    if (policyDir) fs.rmSync(policyDir, { recursive: true, force: true });
  });

  test('alice signs opaque (SHA-384) in that app; bob reads it as verified in both; a SHA-256 signature is refused there only', async ({ browser, page }) => {
    test.setTimeout(120_000);
    const appSigned = `App opaque-signed ${randomUUID()}`;
    const sha256 = `SHA-256 signed ${randomUUID()}`;
    await inContext(
      browser,
      async (alice) => {
        await signIn(alice, 'alice');
        await importIdentity(alice, 'alice');
        await sendMessage(alice, { to: TO, subject: appSigned, body: TEXT, sign: true });
      },
      { baseURL: second.url },
    );
    const [arrived] = await waitForMessages(READER, 'INBOX', appSigned);
    expect(arrived!.source.toString('latin1')).toMatch(/^Content-Type: application\/(x-)?pkcs7-mime;[^]*smime-type=signed-data/im);
    await appendMessage(READER, await opensslSign('alice', textEntity(TEXT), { subject: sha256, to: TO, md: 'sha256' }));

    // The test stack's own app (demo policy: SHA-256 and up): both verified.
    await signIn(page, READER);
    let opened = await openMessage(page, appSigned);
    await expect(opened.banner).toHaveText(bannerOf('Signed by alice@sealpost.test, verified.'));
    await expect(messageBody(page).getByText(TEXT)).toBeVisible();
    opened = await openMessage(page, sha256);
    await expect(opened.banner).toHaveText(bannerOf('Signed by alice@sealpost.test, verified.'));

    // The stricter app: SHA-384 verified, SHA-256 not.
    await inContext(
      browser,
      async (strict) => {
        await signIn(strict, READER);
        let there = await openMessage(strict, appSigned);
        await expect(there.banner).toHaveText(bannerOf('Signed by alice@sealpost.test, verified.'));
        there = await openMessage(strict, sha256);
        await expect(there.banner).toHaveText(
          bannerOf(
            "Signed by alice@sealpost.test, but your organisation's policy does not accept this signature. The signature uses SHA-256, which the organisation's policy does not accept (allowed: SHA-384, SHA-512).",
          ),
        );
      },
      { baseURL: second.url },
    );
  });
});
