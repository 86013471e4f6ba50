// Replies, drafts and mailto: links, rows E6-E8 of smime-stack.md section 4, in Chromium.
// - E6 REPLY / covert content ("Re: What's up Johnny?", ACNS 2019): bob's old ciphertext hidden in a
//   new mail (an inline part below the visible text; a display:none block and a text/plain
//   alternative the reader does not draw). Reply quotes only what bob was shown; a reply to
//   encrypted mail starts encrypted, to the original parties (CCS 2020 "decryption contexts").
// - E7 draft oracle ("Mailto: Me Your Secrets", 2020): ciphertext planted in bob's Drafts. Continuing
//   it does not turn Sign on, and after autosave the Drafts copy on the server is still an envelope
//   (to bob, checked with openssl), never plaintext.
// - E8 mailto: parameter abuse (same paper): a link `mailto:…?attach=/etc/passwd&body=…` in a body.
//   The app opens no composer from it (the frame is sandboxed; the app handles no mailto:), so
//   nothing is attached, signed or sent, and no file content leaves the browser.
import { randomUUID } from 'node:crypto';

import { type Locator, expect, test } from '@playwright/test';

import { findMessages, waitForMessages } from '../support/imap-read';
import { signIn } from '../support/login';
import { appendMessage } from '../support/mailbox';
import { RequestRecorder, describeRequests } from '../support/request-recorder';
import { escapeRegExp, importIdentity, messageBody, openMessage } from '../support/smime-browser';
import { htmlEntity, textEntity } from '../support/smime-pki';
import { encryptTo, entityOf, messageOf, multipart, opensslDecrypt } from './attack-kit';

const BOB = 'bob@sealpost.test';
const ALICE = 'alice@sealpost.test';
const CAROL = 'carol@sealpost.test';

const toggle = (dialog: Locator, name: 'Sign' | 'Encrypt') =>
  dialog.getByRole('group', { name: 'Security' }).getByRole('button', { name });

test('E6 a reply to mail hiding bob\'s old ciphertext quotes only what was shown', async ({ page }) => {
  test.setTimeout(90_000);
  const id = randomUUID();
  const secret = `Salary review ${id.slice(0, 8)}`;
  const old = await encryptTo('bob', textEntity(secret), { subject: `Old ${id}`, from: ALICE, cipher: 'aes-256-cbc' });
  const subject = `Quick question E6 ${id}`;
  // Covert places for text the reader does not show: a display:none block and a text/plain
  // alternative that says something else than the HTML drawn.
  const shown = multipart('alternative', `e6-alt-${id}`, [
    textEntity('Hidden plain alternative'),
    htmlEntity('<div style="display:none">Hidden attacker note</div><p>Could you confirm the figures?</p>'),
  ]);
  const entity = multipart('mixed', `e6-${id}`, [shown, `Content-Disposition: inline\r\n${entityOf(old)}`]);
  await appendMessage('bob', messageOf({ from: 'mallory@sealpost.test', to: BOB, subject, entity }));

  await signIn(page, 'bob');
  await importIdentity(page, 'bob');
  const { pane } = await openMessage(page, subject);
  await expect(messageBody(page).getByText('Could you confirm the figures?')).toBeVisible();
  await expect(pane).not.toContainText('Encrypted with');
  await expect(pane).not.toContainText(secret);

  await page.getByRole('toolbar', { name: 'Message actions' }).getByRole('button', { name: 'Reply', exact: true }).click();
  const reply = page.getByRole('dialog', { name: 'Reply' });
  const body = reply.getByRole('textbox', { name: 'Message' });
  await expect(body).toHaveValue(/Could you confirm the figures\?/);
  expect(await body.inputValue()).not.toContain(secret);
  expect(await body.inputValue()).not.toContain('Hidden attacker note');
  expect(await body.inputValue()).not.toContain('Hidden plain alternative');
  await expect(reply.getByRole('list', { name: 'Attached files' })).toHaveCount(0);
});

test('E6 a reply to encrypted mail starts encrypted, to the original parties', async ({ page }) => {
  test.setTimeout(90_000);
  const id = randomUUID();
  const subject = `Encrypted thread E6 ${id}`;
  const text = `Numbers for the board ${id.slice(0, 8)}`;
  const raw = await encryptTo('bob', textEntity(text), { subject, from: ALICE, cipher: 'aes-256-cbc' });
  // carol was copied (the Cc header is outside the envelope, as it is in any S/MIME mail).
  const withCc = Buffer.from(raw.toString('latin1').replace(/^(To: [^\r\n]*)(\r?\n)/m, '$1$2Cc: carol@sealpost.test$2'), 'latin1');
  await appendMessage('bob', withCc);

  await signIn(page, 'bob');
  await importIdentity(page, 'bob');
  const { banner } = await openMessage(page, subject);
  await expect(banner).toContainText(/^Encrypted with AES-256-CBC/);
  await page.getByRole('toolbar', { name: 'Message actions' }).getByRole('button', { name: 'Reply all', exact: true }).click();
  const reply = page.getByRole('dialog', { name: 'Reply all' });
  await expect(reply.getByLabel('To', { exact: true })).toHaveValue(ALICE);
  await expect(reply.getByLabel('Cc', { exact: true })).toHaveValue('carol@sealpost.test');
  await expect(toggle(reply, 'Encrypt')).toHaveAttribute('aria-pressed', 'true');
});

test('E6 a reply to mail whose sender hid the Subject (RFC 9788 hp="cipher") keeps it hidden outside the encryption', async ({ page }) => {
  test.setTimeout(120_000);
  const id = randomUUID();
  const realSubject = `Merger talks ${id}`;
  // The sender's obscured Subject, unique so the row can be found; HP-Outer records it as sent.
  const outerSubject = `[...] ${id.slice(0, 8)}`;
  const text = `Terms attached ${id.slice(0, 8)}`;
  const payload = [
    `From: ${CAROL}`,
    `To: ${BOB}`,
    `Subject: ${realSubject}`,
    `HP-Outer: From: ${CAROL}`,
    `HP-Outer: To: ${BOB}`,
    `HP-Outer: Subject: ${outerSubject}`,
    'Content-Type: text/plain; charset=us-ascii; hp="cipher"',
    '',
    text,
    '',
  ].join('\r\n');
  await appendMessage('bob', await encryptTo('bob', payload, { subject: outerSubject, from: CAROL, cipher: 'aes-256-gcm' }));

  await signIn(page, 'bob');
  await importIdentity(page, 'bob');
  await page.getByRole('listbox', { name: 'Messages' }).getByRole('option', { name: new RegExp(escapeRegExp(outerSubject)) }).click();
  const pane = page.getByRole('region', { name: 'Reading pane' });
  // The reader shows the protected Subject; the sender's choice to hide it is no change in transit.
  await expect(pane.getByRole('heading', { name: realSubject })).toBeVisible();
  await expect(pane.getByRole('region', { name: 'Message security' })).toContainText(/^Encrypted with AES-256-GCM/);
  await expect(pane.getByRole('region', { name: 'Message security' })).not.toContainText('in transit');

  await page.getByRole('toolbar', { name: 'Message actions' }).getByRole('button', { name: 'Reply', exact: true }).click();
  const reply = page.getByRole('dialog', { name: 'Reply' });
  await expect(reply.getByRole('textbox', { name: 'Subject' })).toHaveValue(`Re: ${realSubject}`);
  await expect(toggle(reply, 'Encrypt')).toHaveAttribute('aria-pressed', 'true');
  // carol's certificate comes from the directory; then the plan says every copy is encrypted.
  await expect(reply.getByText('The subject is sent hidden')).toBeVisible({ timeout: 30_000 });
  await reply.getByRole('button', { name: 'Send' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Message sent.' })).toBeVisible({ timeout: 30_000 });

  // What the servers hold: "[...]" outside; the real Subject only inside, for carol and for bob's Sent
  // copy. (carol, not alice: other specs expect alice's seeded mail at the top of her Inbox.)
  for (const [user, folder] of [
    ['carol', 'INBOX'],
    ['bob', 'Sent'],
  ] as const) {
    const candidates = await waitForMessagesMatching(user, folder, '[...]', async (source) => (await opensslDecrypt(user, source).catch(() => Buffer.alloc(0))).includes(id));
    expect(candidates, `${user} ${folder}`).toHaveLength(1);
    const source = candidates[0]!.source;
    expect(source.toString('latin1')).not.toContain('Merger');
    expect(source.toString('latin1')).toMatch(/^Subject: \[\.\.\.\]\r?$/m);
    const inside = (await opensslDecrypt(user, source)).toString('latin1');
    expect(inside).toContain(`Subject: Re: ${realSubject}`);
    expect(inside).toMatch(/hp="cipher"/);
    expect(inside).toMatch(/^HP-Outer: Subject: \[\.\.\.\]\r?$/m);
  }
});

/** Polls `folder` for messages with this Subject that `matches` accepts (the Subject alone is not unique). */
async function waitForMessagesMatching(user: string, folder: string, subject: string, matches: (source: Buffer) => Promise<boolean>, timeoutMs = 20_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = [];
    for (const m of await findMessages(user, folder, subject)) if (await matches(m.source)) found.push(m);
    if (found.length > 0 || Date.now() > deadline) return found;
    await new Promise((r) => setTimeout(r, 500));
  }
}

test('E7 ciphertext planted in Drafts: continuing it signs nothing, and the autosaved copy stays encrypted', async ({ page }) => {
  test.setTimeout(120_000);
  const id = randomUUID();
  const subject = `Planted draft E7 ${id}`;
  const secret = `Planted text ${id.slice(0, 8)}`;
  const edit = `Added by bob ${id.slice(0, 8)}`;
  await appendMessage('bob', await encryptTo('bob', textEntity(secret), { subject, from: BOB, cipher: 'aes-256-cbc' }), { folder: 'Drafts', seen: true });
  const [planted] = await waitForMessages('bob', 'Drafts', subject);

  await signIn(page, 'bob');
  await importIdentity(page, 'bob');
  await page.getByRole('treeitem', { name: /^Drafts/ }).click();
  await page.getByRole('option', { name: new RegExp(subject) }).click();
  await page.getByRole('toolbar', { name: 'Message actions' }).getByRole('button', { name: 'Continue editing' }).click();
  const dialog = page.getByRole('dialog', { name: 'Edit draft' });
  const body = dialog.getByRole('textbox', { name: 'Message' });
  await expect(body).toHaveValue(new RegExp(secret));
  await expect(toggle(dialog, 'Encrypt')).toHaveAttribute('aria-pressed', 'true');
  await expect(toggle(dialog, 'Sign')).toHaveAttribute('aria-pressed', 'false');

  await body.fill(`${secret}\n${edit}`);
  await expect(dialog.getByRole('status').filter({ hasText: 'Draft saved' })).toBeVisible({ timeout: 30_000 });
  const copies = await findMessages('bob', 'Drafts', subject);
  expect(copies).toHaveLength(1);
  const saved = copies[0]!;
  expect(saved.uid).not.toBe(planted!.uid);
  const source = saved.source.toString('latin1');
  expect(source).toMatch(/^Content-Type: application\/(x-)?pkcs7-mime;[^]*smime-type=(enveloped|authEnveloped)-data/im);
  expect(source).not.toContain(secret);
  expect(source).not.toContain(edit);
  // Encrypted to bob himself, and nothing signed inside.
  const inner = (await opensslDecrypt('bob', saved.source)).toString('latin1');
  expect(inner).toContain(edit);
  expect(inner).not.toMatch(/multipart\/signed|signed-data/i);
});

test('E8 a mailto: link with attach= and body= opens no composer, attaches and sends nothing', async ({ page, context, baseURL }) => {
  test.setTimeout(90_000);
  const recorder = await RequestRecorder.attach(context);
  try {
    const subject = `Form link E8 ${randomUUID()}`;
    const link = 'mailto:rupert@sealpost.test?attach=/etc/passwd&attachment=/etc/passwd&body=I%20hereby%20sign%20this.&subject=Signed';
    await appendMessage('rupert', messageOf({ from: 'mallory@sealpost.test', to: 'rupert@sealpost.test', subject, entity: htmlEntity(`<p><a href="${link.replace(/&/g, '&amp;')}">Open the form</a></p>`) }));
    await signIn(page, 'rupert');
    await openMessage(page, subject);
    const before = recorder.requests.length;
    const popups: string[] = [];
    context.on('page', (p) => popups.push(p.url()));
    await messageBody(page).getByRole('link', { name: 'Open the form' }).click();
    await page.waitForTimeout(2000);

    await expect(page.getByRole('dialog')).toHaveCount(0);
    await recorder.settle();
    const after = recorder.requests.slice(before);
    const origin = new URL(baseURL!).origin;
    const listing = describeRequests(after);
    expect(after.filter((r) => !/^(data|blob|mailto):/i.test(r.url) && new URL(r.url).origin !== origin), listing).toEqual([]);
    expect(after.filter((r) => /\/api\/(send|drafts)/.test(r.url)), listing).toEqual([]);
    expect(after.filter((r) => r.body.includes('root:x:0:0')), listing).toEqual([]);
    // A tab the link may open is outside the app: never one of its pages.
    for (const url of popups) expect(url.startsWith(origin)).toBe(false);
  } finally {
    await recorder.detach();
  }
});
