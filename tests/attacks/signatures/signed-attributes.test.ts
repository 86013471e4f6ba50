// Signed-attribute confusion ("Johnny, You Are Fired!", Müller et al., USENIX Security 2019;
// rows C5 and C6 of ../shared/notes/smime-stack.md section 4): pkijs accepts a contentType
// attribute that differs from eContentType, and takes the first of repeated or multi-valued
// attributes. Whole multipart/signed messages whose .p7s is built by hand and genuinely signed by
// Alice through OpenSSL. Asserted: each is not signed, with the reason (RFC 5652 11.1; RFC 8551
// 2.5.2 "SHOULD be treated as failing"); the same builder with normal attributes is signed
// (control).
import * as asn1js from 'asn1js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { OID } from '@/lib/smime/oids';

import { type AttackPki, attackPki, bytes, clearSignedMessage } from '../support/attack-messages';
import { attribute, type HandmadeSigner, handmadeSigner, octets, oid } from '../support/handmade-signed-data';

const ENTITY = 'Content-Type: text/plain; charset=us-ascii\r\n\r\nPay Bob 10 euros.\r\n';
const OTHER = bytes('Content-Type: text/plain\r\n\r\nPay Eve 1000 euros.\r\n');

let p: AttackPki;
let signer: HandmadeSigner;
beforeAll(() => {
  p = attackPki('sealpost-c5-');
  signer = handmadeSigner(p.pki, bytes(ENTITY));
});
afterAll(() => p?.pki.cleanup());

async function readWith(attributes: asn1js.Sequence[]) {
  const p7s = signer.handmade({ signer: p.alice, attributes });
  return (await p.read(clearSignedMessage(ENTITY, p7s))).report;
}

async function expectRefused(attributes: asn1js.Sequence[], reason: string) {
  const report = await readWith(attributes);
  expect(report.signed).toBe(false);
  expect(report.signatures).toMatchObject([{ signerEmail: 'alice@example.org', intact: false, reasons: [reason] }]);
}

describe('C5, C6: signed attributes', () => {
  it('control: contentType, signingTime and messageDigest once each: signed', async () => {
    expect(await readWith(signer.usual())).toMatchObject({ signed: true, errors: [] });
  });

  it('C5: a contentType attribute that is not the eContentType (id-data) is refused', async () => {
    const [, signingTime, messageDigest] = signer.usual();
    await expectRefused([attribute(OID.contentType, oid(OID.signedData)), signingTime!, messageDigest!], 'The signed content type does not match the type of the content.');
  });

  it('C6: a second messageDigest (of other content), in either place, is refused', async () => {
    const [contentType, signingTime, messageDigest] = signer.usual();
    const otherDigest = octets(signer.sha(256, OTHER));
    await expectRefused([contentType!, signingTime!, messageDigest!, attribute(OID.messageDigest, otherDigest)], 'The signature has more than one message digest attribute.');
    await expectRefused([contentType!, signingTime!, attribute(OID.messageDigest, otherDigest, octets(signer.sha(256, bytes(ENTITY))))], 'The message digest attribute has more than one value.');
  });

  it('C6: a repeated or multi-valued contentType is refused', async () => {
    const [contentType, signingTime, messageDigest] = signer.usual();
    await expectRefused([contentType!, attribute(OID.contentType, oid(OID.data)), signingTime!, messageDigest!], 'The signature has more than one content type attribute.');
    await expectRefused([attribute(OID.contentType, oid(OID.data), oid(OID.signedData)), signingTime!, messageDigest!], 'The content type attribute has more than one value.');
  });

  it('C6: repeated S/MIME capabilities are refused', async () => {
    const capabilities = (id: string) => attribute(OID.smimeCapabilities, new asn1js.Sequence({ value: [new asn1js.Sequence({ value: [oid(id)] })] }));
    await expectRefused([...signer.usual(), capabilities(OID.aes256Gcm), capabilities(OID.aes128Cbc)], 'The signature has more than one S/MIME capabilities attribute.');
  });
});
