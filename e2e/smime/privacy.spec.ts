import { execFileSync } from 'node:child_process';
import { generateKeyPairSync, randomBytes, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

import { type Locator, type Page, expect, test } from '@playwright/test';

import { waitForMessages } from '../support/imap-read';
import { signIn } from '../support/login';
import { appendMessage } from '../support/mailbox';
import { CANARY_MARKER, type RecordedRequest, RequestRecorder, describeRequests, findLeaks } from '../support/request-recorder';
import { type Secret, derSecret, pkcs12Secrets, rawSecret, textSecret } from '../support/smime-secrets';

// Issue 5's privacy proof: every request the browser makes while a user imports PKCS#12 files,
// sets, locks and unlocks a keystore passphrase, signs, encrypts and sends a message with an
// attachment, decrypts messages (EC and RSA keys) and exports a PKCS#12 is recorded, and none
// carries a private key, a PKCS#12 file, a password or a passphrase, in any encoding.
//
// carol signs in (EC P-256 key). alice's PKCS#12 (RSA) is imported into carol's browser too, to
// decrypt a message encrypted to alice's certificate in carol's Inbox: the RSA key is used without
// touching alice's mailbox or address book, which other specs use. carol's message goes to alice
// with a subject of its own.

const USER = 'carol';

interface Manifest {
  root: { certDer: string };
  issuing: { cert: string; certDer: string };
  users: Record<string, { email: string; key: string; cert: string; certDer: string; p12: string; p12Password: string }>;
}

async function manifest(): Promise<Manifest> {
  const { resolveInstance } = await import('../../scripts/stack/instance.mjs');
  return JSON.parse(fs.readFileSync(path.join(resolveInstance('test').dirs.pki as string, 'manifest.json'), 'utf8')) as Manifest;
}

/** `openssl cms` over a temporary file: -sign then -encrypt, or -encrypt alone. */
function opensslMessage(m: Manifest, { signer, recipient, subject, entity }: { signer?: string; recipient: string; subject: string; entity: string }): Buffer {
  const dir = test.info().outputPath(`openssl-${randomUUID()}`);
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, 'entity');
  fs.writeFileSync(file, entity);
  const headers = ['-from', signer ? m.users[signer]!.email : 'bob@sealpost.test', '-to', `${USER}@sealpost.test`, '-subject', subject];
  let inner = file;
  if (signer) {
    inner = path.join(dir, 'signed');
    execFileSync('openssl', ['cms', '-sign', '-in', file, '-out', inner, '-signer', m.users[signer]!.cert, '-inkey', m.users[signer]!.key, '-certfile', m.issuing.cert]);
  }
  return execFileSync('openssl', ['cms', '-encrypt', '-aes-256-cbc', '-in', inner, ...headers, m.users[recipient]!.cert]);
}

async function openSettings(page: Page): Promise<Locator> {
  await page.getByRole('banner').getByRole('button', { name: 'Settings' }).click();
  const dialog = page.getByRole('dialog', { name: 'Settings' });
  await expect(dialog.getByRole('tab', { name: 'Your certificates' })).toHaveAttribute('aria-selected', 'true');
  return dialog;
}

async function importPkcs12(dialog: Locator, file: string, password: string, label: string): Promise<void> {
  const form = dialog.getByRole('form', { name: 'Import a PKCS#12 file' });
  await form.getByLabel('PKCS#12 file (.p12, .pfx)').setInputFiles(file);
  await form.getByLabel('File password').fill(password);
  await form.getByRole('button', { name: 'Read file' }).click();
  const preview = dialog.getByRole('region', { name: 'File contents' });
  await expect(preview).toHaveAttribute('data-import-via', 'worker', { timeout: 60_000 });
  await preview.getByRole('button', { name: 'Save' }).click();
  await expect(dialog.getByRole('list', { name: 'Stored certificates' }).getByRole('listitem', { name: label })).toBeVisible();
}

async function openMessage(page: Page, subject: string) {
  await page.getByRole('listbox', { name: 'Messages' }).getByRole('option', { name: new RegExp(subject) }).click();
  const pane = page.getByRole('region', { name: 'Reading pane' });
  await expect(pane.getByRole('heading', { name: subject })).toBeVisible();
  return { pane, banner: pane.getByRole('region', { name: 'Message security' }), body: page.frameLocator('iframe[title="Message body"]') };
}

const SERVICE_WORKER = `/${CANARY_MARKER}-service-worker.js`;

/** The canary service worker's script: on activation it fetches with the secret base64url-encoded in the URL. */
function serviceWorkerScript(secret: Buffer): string {
  return `self.addEventListener('activate', (e) => e.waitUntil(fetch('/api/${CANARY_MARKER}/service-worker?k=${secret.toString('base64url')}')));`;
}

/**
 * Leaks the canaries send on purpose: from the page (a secret base64-encoded in a JSON body),
 * from a dedicated Web Worker (hex in the URL), in a header (percent-encoded) and from a service
 * worker (base64url in the URL; its script is served by the recorder, see serviceWorkerScript).
 * The recorder answers them itself; they never reach the server.
 */
async function sendCanaries(page: Page, leaked: { body: Buffer; url: Buffer; header: string }): Promise<void> {
  await page.evaluate(
    async ({ marker, body, url, header, serviceWorker }) => {
      const registration = await navigator.serviceWorker.register(serviceWorker);
      await navigator.serviceWorker.ready;
      await registration.unregister();
      await fetch(`/api/${marker}/page`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ value: body }) });
      await fetch(`/api/${marker}/header`, { headers: { 'x-probe': header } });
      const source = `fetch(${JSON.stringify(`${location.origin}/api/${marker}/worker?k=${url}`)}).then(() => postMessage('done'), (e) => postMessage(String(e)));`;
      const worker = new Worker(URL.createObjectURL(new Blob([source], { type: 'text/javascript' })));
      const answer = await new Promise((resolve) => (worker.onmessage = (e) => resolve(e.data)));
      worker.terminate();
      if (answer !== 'done') throw new Error(`the worker's canary failed: ${String(answer)}`);
    },
    { marker: CANARY_MARKER, body: leaked.body.toString('base64'), url: leaked.url.toString('hex'), header: encodeURIComponent(leaked.header), serviceWorker: SERVICE_WORKER },
  );
}

test('no private key, PKCS#12 file, password or passphrase leaves the browser', async ({ context }) => {
  test.setTimeout(240_000);
  const m = await manifest();
  const read = (file: string) => fs.readFileSync(file);
  const publicBytes = [read(m.root.certDer), read(m.issuing.certDer), ...Object.values(m.users).map((u) => read(u.certDer))];
  const carol = pkcs12Secrets('carol', m.users.carol!.p12, m.users.carol!.p12Password, publicBytes);
  const alice = pkcs12Secrets('alice', m.users.alice!.p12, m.users.alice!.p12Password, publicBytes);
  // Random, with a space, non-ASCII and URL-special characters, so every encoding differs from the text.
  const passphrase = `Schlüssel ${randomBytes(9).toString('base64')} /+&`;
  const exportPassword = `Export ${randomBytes(9).toString('base64')} ?=%`;
  const secrets: Secret[] = [...carol.secrets, ...alice.secrets, textSecret('keystore passphrase', passphrase), textSecret('export password', exportPassword)];
  // Smart-card PINs are searched for in e2e/smime/smart-card.spec.ts, which types them.

  const stamp = randomUUID();
  // Their own random words: no 16 bytes in common with the subject, which travels in clear.
  const bodyText = `The merger closes on Friday, code ${randomBytes(12).toString('hex')}.`;
  const attachment = Buffer.concat([Buffer.from(`figures ${randomBytes(8).toString('hex')}\n`), randomBytes(6000)]);
  const plaintext: Secret[] = [textSecret('message body', bodyText), rawSecret('attachment bytes', attachment)];

  // Mail for carol to decrypt: signed by alice and encrypted to carol (ECDH), and encrypted to
  // alice's RSA certificate.
  const ecSubject = `Privacy EC ${stamp}`;
  const rsaSubject = `Privacy RSA ${stamp}`;
  const sentSubject = `Privacy sent ${stamp}`;
  const text = (words: string) => `Content-Type: text/plain; charset=utf-8\r\n\r\n${words}\r\n`;
  await appendMessage(USER, opensslMessage(m, { signer: 'alice', recipient: 'carol', subject: ecSubject, entity: text('Decrypted with an EC key.') }));
  await appendMessage(USER, opensslMessage(m, { recipient: 'alice', subject: rsaSubject, entity: text('Decrypted with an RSA key.') }));

  // The context fixture has no page yet: recording starts before the first request.
  const carolScalar = carol.secrets.find((x) => x.label === "carol's private key: EC d")!.values[0]!;
  const recorder = await RequestRecorder.attach(context, (url) =>
    url.endsWith(SERVICE_WORKER) ? { contentType: 'text/javascript', body: serviceWorkerScript(Buffer.from(carolScalar).subarray(8, 28)) } : undefined,
  );
  const page = await context.newPage();
  await signIn(page, USER);

  // Import carol's PKCS#12 with its password.
  let settings = await openSettings(page);
  await importPkcs12(settings, m.users.carol!.p12, m.users.carol!.p12Password, 'Carol Müller (Sealpost demo)');

  // A keystore passphrase; lock; unlock with it.
  const state = settings.getByRole('status', { name: 'Keystore state' });
  await settings.getByRole('button', { name: 'Set passphrase' }).click();
  const setForm = settings.getByRole('form', { name: 'Set a keystore passphrase' });
  await setForm.getByLabel('New passphrase', { exact: true }).fill(passphrase);
  await setForm.getByLabel('Repeat new passphrase').fill(passphrase);
  await setForm.getByRole('button', { name: 'Save passphrase' }).click();
  await expect(state).toHaveText(/Unlocked/);
  await settings.getByRole('button', { name: 'Lock now' }).click();
  await expect(state).toHaveText(/Locked/);
  await settings.getByRole('button', { name: 'Unlock' }).click();
  const unlock = page.getByRole('dialog', { name: 'Unlock your keys' });
  await unlock.getByLabel('Keystore passphrase').fill(passphrase);
  await unlock.getByRole('button', { name: 'Unlock' }).click();
  await expect(unlock).toBeHidden();
  await expect(state).toHaveText(/Unlocked/);
  await settings.getByRole('button', { name: 'Close' }).last().click();
  await expect(settings).toBeHidden();

  // Sign and encrypt a message with an attachment to alice (her certificate from the directory).
  await page.getByRole('button', { name: 'New message' }).click();
  const composer = page.getByRole('dialog', { name: 'New message' });
  const security = composer.getByRole('group', { name: 'Security' });
  for (const toggle of ['Sign', 'Encrypt']) {
    const button = security.getByRole('button', { name: toggle });
    if ((await button.getAttribute('aria-pressed')) !== 'true') await button.click();
    await expect(button).toHaveAttribute('aria-pressed', 'true');
  }
  await composer.getByRole('combobox', { name: 'To' }).fill('alice@sealpost.test');
  await composer.getByRole('textbox', { name: 'Subject' }).fill(sentSubject);
  await composer.getByRole('textbox', { name: 'Message' }).fill(bodyText);
  const chooser = page.waitForEvent('filechooser');
  await composer.getByRole('button', { name: 'Attach files' }).click();
  await (await chooser).setFiles([{ name: 'figures.bin', mimeType: 'application/octet-stream', buffer: attachment }]);
  await expect(composer.getByRole('list', { name: 'Attached files' }).getByRole('listitem')).toHaveCount(1);
  // The draft is saved (encrypted to carol) before sending, so POST /api/drafts is searched too.
  await expect(composer.getByRole('status').filter({ hasText: 'Draft saved' })).toBeVisible({ timeout: 30_000 });
  const recipients = composer.getByRole('region', { name: 'Recipient certificates' });
  await expect(recipients.getByRole('listitem').filter({ hasText: 'alice@sealpost.test' })).toContainText('Valid certificate');
  await composer.getByRole('button', { name: 'Send' }).click();
  await expect(page.getByRole('banner').getByRole('status').filter({ hasText: 'Message sent.' })).toBeVisible({ timeout: 60_000 });

  // Delivered encrypted: application/pkcs7-mime, with neither the text nor the attachment inside.
  const [delivered] = await waitForMessages('alice', 'INBOX', sentSubject);
  expect(delivered, 'the message reached alice').toBeDefined();
  expect(delivered!.source.toString('latin1')).toMatch(/^Content-Type:\s*application\/(x-)?pkcs7-mime/im);
  const asRequest = (body: Buffer): RecordedRequest => ({ via: 'route', url: 'imap:', method: 'IMAP', headers: {}, body, resourceType: 'imap', canary: false });
  expect(findLeaks([asRequest(delivered!.source)], plaintext)).toEqual([]);

  // Decrypt with carol's EC key: alice's signed message to carol, and carol's own copy in Sent.
  const folders = page.getByRole('tree', { name: 'Folders' });
  let opened = await openMessage(page, ecSubject);
  await expect(opened.banner).toContainText('for your certificate carol@sealpost.test');
  await expect(opened.banner).toContainText('Signed by alice@sealpost.test, verified.');
  await expect(opened.body.getByText('Decrypted with an EC key.')).toBeVisible();
  await folders.getByRole('treeitem', { name: /^Sent/ }).click();
  opened = await openMessage(page, sentSubject);
  await expect(opened.banner).toContainText('for your certificate carol@sealpost.test');
  await expect(opened.body.getByText(bodyText)).toBeVisible();
  await expect(opened.pane.getByRole('list', { name: 'Attachments' })).toContainText('figures.bin');

  // alice's PKCS#12 (RSA) imported while the passphrase is set, then the message to her certificate.
  settings = await openSettings(page);
  await importPkcs12(settings, m.users.alice!.p12, m.users.alice!.p12Password, 'Alice Liddell (Sealpost demo)');
  await settings.getByRole('button', { name: 'Close' }).last().click();
  await folders.getByRole('treeitem', { name: /^Inbox/ }).click();
  opened = await openMessage(page, rsaSubject);
  await expect(opened.banner).toContainText('for your certificate alice@sealpost.test');
  await expect(opened.body.getByText('Decrypted with an RSA key.')).toBeVisible();

  // Export carol's identity under a new password; the file must not leave the browser either.
  settings = await openSettings(page);
  const item = settings.getByRole('listitem', { name: 'Carol Müller (Sealpost demo)' });
  await item.getByRole('button', { name: 'Export' }).click();
  const exportForm = item.getByRole('form', { name: 'Export certificate' });
  await exportForm.getByLabel('Password for the file').fill(exportPassword);
  await exportForm.getByLabel('Repeat password').fill(exportPassword);
  const downloading = page.waitForEvent('download', { timeout: 90_000 });
  await exportForm.getByRole('button', { name: 'Export file' }).click();
  const exportedFile = test.info().outputPath('exported.p12');
  await (await downloading).saveAs(exportedFile);
  const exported = fs.readFileSync(exportedFile);
  // A real PKCS#12 under the new password, holding carol's key.
  const exportedKey = execFileSync('openssl', ['pkcs12', '-in', exportedFile, '-passin', `pass:${exportPassword}`, '-nocerts', '-nodes']);
  expect(execFileSync('openssl', ['pkcs8', '-topk8', '-nocrypt', '-outform', 'DER'], { input: exportedKey }).equals(carol.pkcs8)).toBe(true);
  secrets.push(derSecret('the exported PKCS#12 file', exported, publicBytes));

  // The app ran no service worker (the canary's below is the test's own).
  expect(recorder.serviceWorkerUrls).toEqual([]);

  // The canaries: the search must flag secrets sent in each of these ways, from the page, a Web
  // Worker and a service worker, or a clean result below would prove nothing.
  const rsaP = alice.secrets.find((x) => x.label === "alice's private key: RSA p")!.values[0]!;
  await sendCanaries(page, { body: Buffer.from(carolScalar), url: Buffer.from(rsaP.subarray(40, 72)), header: passphrase });
  await recorder.settle();
  const requests = recorder.requests;
  await test.info().attach('recorded-requests.txt', { body: describeRequests(requests), contentType: 'text/plain' });

  const canaries = requests.filter((r) => r.canary);
  // Playwright in Chromium reports requests of dedicated and service workers both to
  // context.on('request') and to context.route: each canary was recorded both ways.
  for (const from of ['page', 'header', 'worker', 'service-worker']) {
    const vias = canaries.filter((r) => new URL(r.url).pathname === `/api/${CANARY_MARKER}/${from}`).map((r) => r.via);
    expect(new Set(vias), `the ${from} canary, recorded by route and event`).toEqual(new Set(['route', 'request-event']));
  }
  const flagged = findLeaks(canaries, secrets);
  const flaggedIn = (secret: string, url: string) => flagged.some((l) => l.secret === secret && l.request.url.includes(url));
  expect(flaggedIn("carol's private key: EC d", `${CANARY_MARKER}/page`), 'the page canary (base64 in JSON) is flagged').toBe(true);
  expect(flaggedIn("carol's private key (PKCS#8)", `${CANARY_MARKER}/page`), 'the PKCS#8 holds the same scalar').toBe(true);
  expect(flaggedIn("alice's private key: RSA p", `${CANARY_MARKER}/worker`), "the Web Worker's canary (hex in the URL) is recorded and flagged").toBe(true);
  expect(flaggedIn('keystore passphrase', `${CANARY_MARKER}/header`), 'the header canary (percent-encoded) is flagged').toBe(true);
  expect(flaggedIn("carol's private key: EC d", `${CANARY_MARKER}/service-worker`), "the service worker's canary (base64url in the URL) is recorded and flagged").toBe(true);

  // The verdict on the app: no secret in any URL, header or body it sent.
  const appRequests = requests.filter((r) => !r.canary);
  expect(appRequests.length).toBeGreaterThan(20);
  const leaks = findLeaks(appRequests, secrets);
  expect(leaks, `secrets left the browser:\n${JSON.stringify(leaks, null, 2)}`).toEqual([]);

  // The message went out through POST /api/send, recorded with its body, encrypted: neither the
  // text nor the attachment in anything the browser sent.
  const sends = appRequests.filter((r) => r.method === 'POST' && new URL(r.url).pathname === '/api/send' && r.via === 'route');
  expect(sends).toHaveLength(1);
  const raw = Buffer.from((JSON.parse(sends[0]!.body.toString('utf8')) as { raw: string }).raw, 'base64').toString('latin1');
  expect(raw).toContain(sentSubject);
  expect(raw).toMatch(/^Content-Type:\s*application\/(x-)?pkcs7-mime/im);
  expect(sends[0]!.body.length).toBeGreaterThan(attachment.length);
  expect(findLeaks(appRequests, plaintext), 'plaintext left the browser').toEqual([]);
  // The search does reach into the CMS inside the message inside the JSON: it finds the
  // recipient's issuer name there (the JSON's base64 message > its base64 CMS).
  expect(findLeaks(sends, [textSecret('issuer name', 'Sealpost Demo Issuing CA')]).map((l) => l.where)).toEqual(['body > base64 > base64']);
  // The draft went out too, encrypted.
  expect(appRequests.some((r) => r.method === 'POST' && new URL(r.url).pathname === '/api/drafts' && r.body.length > attachment.length)).toBe(true);
  await recorder.detach();
});

// The search itself, without a browser: each encoding a leak could take is found, a window of a
// secret inside other bytes is found at any alignment, and public bytes are not taken for secret.
test('the leak search finds a secret in every encoding, and only secrets', () => {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const pkcs8 = privateKey.export({ format: 'der', type: 'pkcs8' });
  const spki = publicKey.export({ format: 'der', type: 'spki' });
  const key = derSecret('test key', pkcs8, [spki]);
  expect(key.values.map((v) => v.length)).toEqual([32]); // the scalar alone: the public key inside PKCS#8 is left out
  const password = textSecret('test password', 'pässwörd 1+/&"');
  const secrets = [key, password];
  const scalar = Buffer.from(key.values[0]!);
  const request = (body: string | Buffer, url = 'http://127.0.0.1/api/x', headers: Record<string, string> = {}): RecordedRequest => ({
    via: 'route', url, method: 'POST', headers, body: Buffer.from(body), resourceType: 'fetch', canary: false,
  });
  const found = (r: RecordedRequest) => findLeaks([r], secrets).map((l) => `${l.secret} @ ${l.where}`);
  const window = scalar.subarray(5, 21);
  const mime = `Content-Type: application/octet-stream\r\nContent-Transfer-Encoding: base64\r\n\r\n${Buffer.concat([randomBytes(101), window, randomBytes(300)]).toString('base64').replace(/.{76}/g, '$&\r\n')}`;

  expect(found(request(Buffer.concat([randomBytes(33), window, randomBytes(7)])))).toEqual(['test key @ body']);
  expect(found(request(JSON.stringify({ k: Buffer.concat([randomBytes(2), window]).toString('base64') })))).toEqual(['test key @ body > base64']);
  expect(found(request('', `http://127.0.0.1/api/x?k=${scalar.toString('base64url')}`))).toEqual([expect.stringMatching(/^test key @ url > base64/)]); // url-safe only when a byte gives - or _
  expect(found(request('', 'http://127.0.0.1/api/x', { 'x-k': scalar.toString('hex').toUpperCase() }))).toEqual(['test key @ header x-k > hex']);
  expect(found(request(`fp ${[...window].map((b) => b.toString(16).padStart(2, '0')).join(':')}`))).toEqual(['test key @ body > hex (separated)']);
  expect(found(request(JSON.stringify({ raw: Buffer.from(mime).toString('base64') })))).toEqual(['test key @ body > base64 > base64']);
  expect(found(request('', `http://127.0.0.1/api/x?p=${encodeURIComponent('pässwörd 1+/&"')}`))).toEqual(['test password @ url > percent']);
  expect(found(request(`p=${encodeURIComponent('pässwörd 1+/&"').replace(/%20/g, '+')}`))).toEqual(['test password @ body > percent']);
  expect(found(request('{"p":"p\\u00e4ssw\\u00f6rd 1+\\/&\\""}'))).toEqual(['test password @ body > json']);
  expect(found(request('p=p=C3=A4ssw=C3=B6rd 1+/&"'))).toEqual(['test password @ body > quoted-printable']);
  expect(found(request(Buffer.from('pässwörd 1+/&"', 'utf16le').swap16()))).toEqual(['test password @ body']);
  expect(found(request(Buffer.from('p=pässwörd 1+/&"', 'latin1')))).toEqual(['test password @ body']);
  // Nothing secret: random bytes in every form, the public key, the secret's own length.
  expect(found(request(JSON.stringify({ a: randomBytes(4000).toString('base64'), b: randomBytes(64).toString('hex'), spki: spki.toString('base64') }), `http://127.0.0.1/api/x?n=${scalar.length}`))).toEqual([]);
});
