// MIME wrapping, "Johnny, You Are Fired!" (Müller et al., USENIX Security 2019, 03-mime), rows
// M1-M4 of smime-stack.md section 4, S/MIME variants, in Chromium as ivan reads. alice's genuine
// clear-signed mail is wrapped by an attacker: text prepended (M1), the signed part hidden with
// CSS between HTML parts (M2), referenced by cid: from the attacker's HTML (M3), or carried as an
// attachment (M4). Each reads as partly signed in the app's banner (the sentence of
// lib/reading/security-banner.ts), never with the signed mark in the list or "verified" in the
// banner; the only signature Security details lists is of a part, never "the whole message"; and
// the attacker's words are drawn in the unmarked message frame, never in the app's banner.
import { randomUUID } from 'node:crypto';

import { expect, test } from '@playwright/test';

import { signIn } from '../support/login';
import { appendMessage } from '../support/mailbox';
import { messageBody, openMessage } from '../support/smime-browser';
import { htmlEntity, opensslSign, textEntity } from '../support/smime-pki';
import { entityOf, messageOf, multipart } from './attack-kit';

const READER = 'ivan';
const TO = 'ivan@sealpost.test';
const ALICE = 'alice@sealpost.test';
const PARTLY = 'Only part of this message is signed; the rest could have been written by anyone. It is not shown as signed.';
const ATTACKER = 'Please wire 10,000 EUR to the new account today.';

/** alice's real signed mail, as the part the attacker wraps. */
async function signedPart(id: string): Promise<{ entity: string; text: string }> {
  const text = `Lunch at noon on Friday, ${id.slice(0, 8)}.`;
  const raw = await opensslSign('alice', textEntity(text), { subject: `Lunch ${id}`, to: TO });
  return { entity: entityOf(raw), text };
}

const wrappings: { row: string; name: string; build: (signed: string, id: string) => string }[] = [
  {
    row: 'M1',
    name: 'text prepended to the signed part',
    build: (signed, id) => multipart('mixed', `m1-${id}`, [textEntity(ATTACKER), signed]),
  },
  {
    row: 'M2',
    name: 'the signed part hidden with CSS between two HTML parts',
    build: (signed, id) => multipart('mixed', `m2-${id}`, [htmlEntity(`<p>${ATTACKER}</p><div style="display:none">`), signed, htmlEntity('</div>')]),
  },
  {
    row: 'M3',
    name: 'the signed part referenced by cid: from the attacker\'s HTML',
    build: (signed, id) =>
      multipart('related', `m3-${id}`, [htmlEntity(`<p>${ATTACKER}</p><img src="cid:signed-${id}@attacker.test" alt="">`), `Content-ID: <signed-${id}@attacker.test>\r\n${signed}`], '; type="text/html"'),
  },
  {
    row: 'M4',
    name: 'the signed part as an attachment',
    build: (signed, id) => multipart('mixed', `m4-${id}`, [textEntity(ATTACKER), `Content-Disposition: attachment; filename="signed.eml"\r\n${signed}`]),
  },
];

for (const w of wrappings) {
  test(`${w.row} ${w.name}: "partly signed", never the signed mark`, async ({ page }) => {
    const id = randomUUID();
    const subject = `Wrapped ${w.row} ${id}`;
    const { entity: signed } = await signedPart(id);
    await appendMessage(READER, messageOf({ from: ALICE, to: TO, subject, entity: w.build(signed, id) }));

    await signIn(page, READER);
    const { row, banner } = await openMessage(page, subject);
    await expect(banner).toContainText(PARTLY);
    await expect(banner).not.toContainText('verified');
    await expect(banner).not.toContainText(ATTACKER);
    await expect(row.getByRole('img', { name: 'Signed' })).toHaveCount(0);
    await expect(messageBody(page).getByText(ATTACKER)).toBeVisible();

    // The signature holds, but only over a part: Security details says which.
    await banner.getByRole('button', { name: 'Security details' }).click();
    const details = page.getByRole('dialog', { name: 'Security details' });
    const signature = details.getByRole('region', { name: `Signature by ${ALICE}` });
    await expect(signature).toContainText(/\(part [\d.]+\)/);
    await expect(details).not.toContainText('(the whole message)');
  });
}

test('the control: the same signed mail unwrapped reads as signed and verified, with the mark', async ({ page }) => {
  const id = randomUUID();
  const subject = `Unwrapped ${id}`;
  const { text } = await signedPart(id);
  await appendMessage(READER, await opensslSign('alice', textEntity(text), { subject, to: TO }));
  await signIn(page, READER);
  const { row, banner } = await openMessage(page, subject);
  await expect(banner).toContainText(`Signed by ${ALICE}, verified.`);
  await expect(row.getByRole('img', { name: 'Signed' })).toBeVisible();
  await expect(messageBody(page).getByText(text)).toBeVisible();
});
