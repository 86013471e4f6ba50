// Identity attacks, "Johnny, You Are Fired!" (Müller et al., USENIX Security 2019), rows I1-I3 of
// notes/smime-stack.md section 4: a valid signature by one person under a From that names another.
// I1 signer ≠ From; I2 display-name tricks (an address as the display name, padding, empty From,
// a name only, an address that is not the signer's, RFC 2047 encoded words); I3 two From fields,
// and Sender = signer with From = victim. Asserted with real signatures read by lib/smime and the
// reader store: only the addr-spec of a single From is compared (report.fromMatchesSigner), the
// banner names the certificate's address, never the display name or From's, and nothing but an
// exact single-From match gets the "verified" line. lib/smime ignores Sender (no "on behalf of").
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { Identity, TrustSettings } from '@/lib/smime';

import { message, signedEntity, textEntity } from '../support/mime-messages';
import { type AttackPki, createAttackPki, identityOf, trustOf } from '../support/mime-pki';
import { openInReader } from '../support/mime-reader';

const REST = ['To: bob@example.org', 'Subject: Payment', 'Date: Fri, 20 Nov 2026 10:00:00 +0000', 'MIME-Version: 1.0'];
const BODY = textEntity('Pay Mallory 1000 euros.');

let pki: AttackPki;
let trust: TrustSettings;
let alice: Identity;
let eve: Identity;

beforeAll(() => {
  pki = createAttackPki();
  trust = trustOf(pki);
  alice = identityOf(pki.alice);
  eve = identityOf(pki.eve);
});
afterAll(() => pki?.cleanup());

async function open(signer: Identity, fromFields: string[]) {
  const raw = message([...fromFields, ...REST], await signedEntity(BODY, signer));
  const { security } = await openInReader(raw, { identities: [identityOf(pki.bob)], trust });
  const signature = security?.report?.signatures[0];
  const lines = security?.banner?.lines.map((l) => l.text) ?? [];
  return { report: security?.report, signature, lines, headline: lines[0] ?? '' };
}

const VERIFIED = /verified/;

describe('control: Alice signs, From: Alice', () => {
  it('is verified and names alice@example.org', async () => {
    const { signature, headline } = await open(alice, ['From: Alice <alice@example.org>']);
    expect(signature).toMatchObject({ intact: true, chain: 'trusted', fromMatchesSigner: true });
    expect(headline).toBe('Signed by alice@example.org, verified.');
  });
});

describe('I1: signed by Eve, From: Alice', () => {
  it('names the signer’s certificate address (Eve), never Alice, and is not verified', async () => {
    const { report, signature, headline, lines } = await open(eve, ['From: Alice <alice@example.org>']);
    // The signature itself is good and Eve's certificate is trusted: only the identity is wrong.
    expect(report?.signed).toBe(true);
    expect(signature).toMatchObject({ intact: true, chain: 'trusted', signerEmail: 'eve@evil.example', fromMatchesSigner: false });
    expect(headline).toBe('Signed by eve@evil.example, but the message says it is from alice@example.org.');
    expect(lines.some((l) => /Signed by alice/i.test(l) || VERIFIED.test(l))).toBe(false);
  });
});

describe('I2: display-name confusion', () => {
  it.each([
    ['an address as the (quoted) display name', ['From: "alice@example.org" <eve@evil.example>']],
    ['an address as the unquoted display name', ['From: alice@example.org <eve@evil.example>']],
    ['the real address pushed out of view by padding', [`From: "alice@example.org${' '.repeat(200)}" <eve@evil.example>`]],
    ['the address as an encoded-word display name', ['From: =?utf-8?q?alice=40example=2Eorg?= <eve@evil.example>']],
  ])('Eve signs, %s: the banner names eve@evil.example and never Alice', async (_name, fromFields) => {
    const { signature, lines } = await open(eve, fromFields);
    expect(signature?.signerEmail).toBe('eve@evil.example');
    expect(lines.length).toBeGreaterThan(0);
    for (const line of lines) expect(line).not.toMatch(/Signed by alice/i);
    // Whatever the display name says, a "verified" line names the certificate's address only.
    const verified = lines.find((l) => VERIFIED.test(l));
    if (verified) expect(verified).toBe('Signed by eve@evil.example, verified.');
  });

  it.each([
    ['an empty From', ['From: ']],
    ['a name only', ['From: Alice']],
    ['no From at all', []],
    ['an address that is not the signer’s', ['From: Alice <alice@example.org.invalid>']],
    ['an address without a domain', ['From: Alice <alice>']],
    ['a whole mailbox hidden in an encoded word', ['From: =?utf-8?b?QWxpY2UgPGFsaWNlQGV4YW1wbGUub3JnPg==?=']],
    ['a mailbox in a comment', ['From: (alice@example.org) eve@evil.example']],
  ])('Alice signs, %s: no match and no verified badge', async (_name, fromFields) => {
    const { signature, lines } = await open(alice, fromFields);
    expect(signature).toMatchObject({ intact: true, signerEmail: 'alice@example.org', fromMatchesSigner: false });
    expect(lines.some((l) => VERIFIED.test(l))).toBe(false);
  });

  it.each([
    ['Eve signs, the unquoted display name of the paper', 'eve', ['From: alice@example.org <eve@evil.example>'], 'eve@evil.example'],
    ['Alice signs, an empty From', 'alice', ['From: '], 'alice@example.org'],
    ['Alice signs, two From fields with her address', 'alice', ['From: alice@example.org', 'From: alice@example.org'], 'alice@example.org'],
  ])('%s: the headline blames the From field, not "from <the signer>"', async (_name, signer, fromFields, signerEmail) => {
    const { signature, headline } = await open(signer === 'eve' ? eve : alice, fromFields);
    expect(signature).toMatchObject({ intact: true, signerEmail, fromMatchesSigner: false });
    expect(headline).toBe(`Signed by ${signerEmail}, but the message's From field is not one plain address, so the signer cannot be matched with the sender.`);
  });

  it('compares the addr-spec only: padding around the address itself still matches the signer', async () => {
    const { signature, headline } = await open(alice, [`From: "${' '.repeat(50)}Bank Support${' '.repeat(50)}" <alice@example.org>`]);
    expect(signature?.fromMatchesSigner).toBe(true);
    expect(headline).toBe('Signed by alice@example.org, verified.');
  });
});

describe('I3: From/Sender confusion and multiple From fields', () => {
  it('two From fields: no match for either signer, never verified', async () => {
    for (const [signer, fields] of [
      [alice, ['From: alice@example.org', 'From: alice@example.org']],
      [eve, ['From: alice@example.org', 'From: eve@evil.example']],
      [eve, ['From: eve@evil.example', 'From: alice@example.org']],
    ] as const) {
      const { signature, lines } = await open(signer, [...fields]);
      expect(signature?.fromMatchesSigner, fields.join(' / ')).toBe(false);
      expect(signature?.reasons.join(' ')).toMatch(/no single valid From/);
      expect(lines.some((l) => VERIFIED.test(l))).toBe(false);
      for (const line of lines) if (signer === eve) expect(line).not.toMatch(/Signed by alice/i);
    }
  });

  it('Sender = signer (Eve), From = Alice: Sender is not used for the match, and nothing says Alice signed', async () => {
    const { signature, headline, lines } = await open(eve, ['From: Alice <alice@example.org>', 'Sender: eve@evil.example']);
    expect(signature).toMatchObject({ intact: true, signerEmail: 'eve@evil.example', fromMatchesSigner: false });
    expect(headline).toBe('Signed by eve@evil.example, but the message says it is from alice@example.org.');
    expect(lines.some((l) => VERIFIED.test(l) || /Signed by alice/i.test(l) || /on behalf of/i.test(l))).toBe(false);
  });
});
