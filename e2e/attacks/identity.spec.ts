// Identity attacks, "Johnny, You Are Fired!" (Müller et al., USENIX Security 2019, 04-id), rows I1
// and I2 of smime-stack.md section 4, in Chromium as peggy reads. carol (a valid, trusted demo
// certificate) signs; the From header lies. The app compares addr-specs only and its banner names
// the address in carol's certificate: a display name that looks like alice's address never makes
// the message "from alice", and a From of alice signed by carol gets the mismatch warning.
import { randomUUID } from 'node:crypto';

import { expect, test } from '@playwright/test';

import { signIn } from '../support/login';
import { appendMessage } from '../support/mailbox';
import { openMessage } from '../support/smime-browser';
import { opensslSign, replaceHeader, textEntity } from '../support/smime-pki';

const READER = 'peggy';
const TO = 'peggy@sealpost.test';
const TEXT = 'Please approve the attached payment run.';
const VERIFIED_CAROL = 'Signed by carol@sealpost.test, verified.';
const mismatch = (from: string) => `Signed by carol@sealpost.test, but the message says it is from ${from}.`;
const NOT_ONE_ADDRESS = "Signed by carol@sealpost.test, but the message's From field is not one plain address, so the signer cannot be matched with the sender.";

const cases: { row: string; name: string; from: string; banner: string }[] = [
  // I2: the display name is alice's address, the addr-spec carol's own: it is carol's mail.
  { row: 'I2', name: 'display name "alice@sealpost.test", address carol\'s', from: '"alice@sealpost.test" <carol@sealpost.test>', banner: VERIFIED_CAROL },
  // Unquoted as in the paper, the '@' makes the From header invalid (RFC 5322 3.2.5 phrase): not
  // verified at all, and the banner blames the From field (not "from carol", the address a lenient parser salvages).
  { row: 'I2', name: 'the same, unquoted as in the paper (an invalid From)', from: 'alice@sealpost.test <carol@sealpost.test>', banner: NOT_ONE_ADDRESS },
  // I2 the other way: the display name says carol, the address is alice's: addr-specs differ.
  { row: 'I2', name: 'display name "carol@sealpost.test", address alice\'s', from: '"carol@sealpost.test" <alice@sealpost.test>', banner: mismatch('alice@sealpost.test') },
  // I1: signed by carol, From alice.
  { row: 'I1', name: 'From alice, signed by carol', from: 'alice@sealpost.test', banner: mismatch('alice@sealpost.test') },
];

for (const c of cases) {
  test(`${c.row} ${c.name}: the banner names carol's certificate address`, async ({ page }) => {
    const subject = `Identity ${c.row} ${randomUUID()}`;
    await appendMessage(READER, await opensslSign('carol', textEntity(TEXT), { subject, to: TO, from: c.from }));
    await signIn(page, READER);
    const { banner } = await openMessage(page, subject);
    await expect(banner).toContainText(c.banner);
    await expect(banner).not.toContainText('Signed by alice');
    if (c.banner !== VERIFIED_CAROL) await expect(banner).not.toContainText('verified');
  });
}

test('I2 an empty From header: no verified signature, carol still named', async ({ page }) => {
  const subject = `Identity empty From ${randomUUID()}`;
  // The From header is outside a clear signature: the attacker may blank it.
  await appendMessage(READER, replaceHeader(await opensslSign('carol', textEntity(TEXT), { subject, to: TO }), 'From', ''));
  await signIn(page, READER);
  const { banner } = await openMessage(page, subject);
  await expect(banner).toContainText(NOT_ONE_ADDRESS);
  await expect(banner).not.toContainText('verified');
});
