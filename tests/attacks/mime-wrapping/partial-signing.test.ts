// MIME wrapping / partial signing, "Johnny, You Are Fired!" (Müller et al., USENIX Security 2019),
// rows M1-M4 of notes/smime-stack.md section 4: Alice's genuine multipart/signed part is wrapped
// into a message Eve writes: text prepended (M1), the signed part hidden by HTML/CSS in a
// multipart/related (M2), shown through a cid: reference (M3), or sent as an attachment (M4), in
// the clear or inside an encrypted layer. Asserted: lib/smime's readMessage verifies the part but
// reports the message as partly signed (never "signed"), the banner model says so, and the reader
// store never draws the message as signed nor harvests from it. A control with the signed part at
// the root shows each check can fail.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { type SecurityBannerModel, securityBanner } from '@/lib/reading/security-banner';
import { type MessageReport, type TrustSettings, readMessage } from '@/lib/smime';

import { message, encryptedEntity, multipart, signedEntity, textEntity, withFields } from '../support/mime-messages';
import { type AttackPki, certificateOf, createAttackPki, identityOf, trustOf } from '../support/mime-pki';
import { openInReader } from '../support/mime-reader';

const HEADERS = ['From: Alice <alice@example.org>', 'To: bob@example.org', 'Subject: Payment', 'Date: Fri, 20 Nov 2026 10:00:00 +0000', 'MIME-Version: 1.0'];
const SIGNED_TEXT = 'Pay Bob 10 euros.';
const EVE_TEXT = 'Change of plan: pay Mallory 1000 euros, account DE00 6666.';
const PARTLY = 'Only part of this message is signed; the rest could have been written by anyone. It is not shown as signed.';

let pki: AttackPki;
let trust: TrustSettings;
/** Alice's signed entity, as she sent it to someone once; Eve re-uses it. */
let aliceSigned: string;

beforeAll(async () => {
  pki = createAttackPki();
  trust = trustOf(pki);
  aliceSigned = await signedEntity(textEntity(SIGNED_TEXT), identityOf(pki.alice));
});
afterAll(() => pki?.cleanup());

const bob = () => identityOf(pki.bob);
const read = async (raw: Uint8Array) => (await readMessage(raw, { identities: [bob()], trust })).report;
const banner = (report: MessageReport): SecurityBannerModel | null =>
  securityBanner({ report, decryptedFor: [], problem: null, keyChangeWarnings: [], from: 'alice@example.org', policy: null });
const bannerTexts = (model: SecurityBannerModel | null) => model?.lines.map((l) => l.text) ?? [];

/** What every wrapped message must read as: the part's signature holds, the message is not signed. */
function expectPartlySigned(report: MessageReport, signedPartPath: string) {
  expect(report.signed).toBe(false);
  expect(report.partial).toBe(true);
  // No message-level signature: nothing for a badge to name.
  expect(report.signatures).toEqual([]);
  const nested = report.layers.find((l) => l.kind === 'clear-signed');
  expect(nested?.partPath).toBe(signedPartPath);
  // The signature over Alice's part itself is good: partial, not broken, is what keeps it unsigned.
  expect(nested?.signatures?.[0]).toMatchObject({ intact: true, chain: 'trusted', signerEmail: 'alice@example.org' });
  const model = banner(report);
  expect(model?.lines.find((l) => l.kind === 'signature')).toEqual({ kind: 'signature', tone: 'warning', text: PARTLY });
  expect(bannerTexts(model).some((t) => t.startsWith('Signed by'))).toBe(false);
}

const attacks: { id: string; name: string; entity: () => string; signedPartPath: string; shown: string }[] = [
  {
    id: 'M1',
    name: 'text prepended before the signed part (multipart/mixed)',
    entity: () => multipart('mixed', [textEntity(EVE_TEXT), aliceSigned]),
    signedPartPath: '2',
    shown: EVE_TEXT,
  },
  {
    id: 'M2',
    name: 'the signed part hidden by HTML/CSS (multipart/related)',
    entity: () =>
      multipart('related', [
        textEntity(`<html><body><p>${EVE_TEXT}</p><div style="display:none">`, 'text/html; charset=us-ascii'),
        aliceSigned,
        textEntity('</div></body></html>', 'text/html; charset=us-ascii'),
      ]),
    signedPartPath: '2',
    shown: EVE_TEXT,
  },
  {
    id: 'M2',
    name: 'the signed part hidden by HTML/CSS (multipart/mixed)',
    entity: () => multipart('mixed', [textEntity(`<p>${EVE_TEXT}</p><p style="font-size:0;color:#fff">`, 'text/html; charset=us-ascii'), aliceSigned]),
    signedPartPath: '2',
    shown: EVE_TEXT,
  },
  {
    id: 'M3',
    name: 'an HTML part that shows the signed part through a cid: reference',
    entity: () =>
      multipart('related', [
        textEntity(`<p>${EVE_TEXT}</p><iframe src="cid:signed@evil.example"></iframe><img src="cid:signed@evil.example">`, 'text/html; charset=us-ascii'),
        withFields(aliceSigned, ['Content-ID: <signed@evil.example>']),
      ]),
    signedPartPath: '2',
    shown: EVE_TEXT,
  },
  {
    id: 'M4',
    name: 'the signed part as an attachment (Content-Disposition: attachment)',
    entity: () => multipart('mixed', [textEntity(EVE_TEXT), withFields(aliceSigned, ['Content-Disposition: attachment; filename="original.eml"'])]),
    signedPartPath: '2',
    shown: EVE_TEXT,
  },
];

describe('control: the signed part at the MIME root', () => {
  it('is "signed" and the banner names Alice, so the checks below can fail', async () => {
    const report = await read(message(HEADERS, aliceSigned));
    expect(report).toMatchObject({ signed: true, partial: false });
    expect(bannerTexts(banner(report))).toEqual(['Signed by alice@example.org, verified.']);
    const { security } = await openInReader(message(HEADERS, aliceSigned), { identities: [bob()], trust });
    expect(security?.banner?.lines[0]?.text).toBe('Signed by alice@example.org, verified.');
  });
});

describe.each(attacks)('$id: $name', ({ entity, signedPartPath, shown }) => {
  it('readMessage reports it partly signed, never signed; the banner says "partly signed"', async () => {
    const report = await read(message(HEADERS, entity()));
    expectPartlySigned(report, signedPartPath);
    expect(report.text).toContain(shown);
  });

  it('after decryption (an encrypted layer around the wrapped message) it is still only partly signed', async () => {
    const raw = message(HEADERS, await encryptedEntity(entity(), [certificateOf(pki.bob)]));
    const report = await read(raw);
    expect(report.encrypted).toBe(true);
    expect(report.layers[0]).toMatchObject({ kind: expect.stringMatching(/^(auth-)?enveloped$/), partPath: '', errors: [] });
    // The signed part sits in the decrypted content: its path is below the envelope's ("" + "2").
    expectPartlySigned(report, signedPartPath);
    expect(report.text).toContain(shown);
  });

  it('the reader never draws it as signed and harvests nothing from it', async () => {
    for (const raw of [message(HEADERS, entity()), message(HEADERS, await encryptedEntity(entity(), [certificateOf(pki.bob)]))]) {
      const { message: shownMessage, security, harvested } = await openInReader(raw, { identities: [bob()], trust });
      expect(shownMessage?.text ?? '').toContain(shown);
      expect(security?.report?.signed).toBe(false);
      expect(security?.banner?.lines.find((l) => l.kind === 'signature')?.text).toBe(PARTLY);
      expect(bannerTexts(security?.banner ?? null).some((t) => t.startsWith('Signed by'))).toBe(false);
      expect(harvested).toEqual([]);
    }
  });
});
