// eContent confusion ("Johnny, You Are Fired!", Müller et al., USENIX Security 2019, section
// 4.1; rows C1 and C1b of ../shared/notes/smime-stack.md section 4). A multipart/signed whose
// .p7s also carries eContent: clients verified the eContent and showed part 1, a perfect forgery.
// The refinement puts the signedAttrs bytes in eContent and drops the signed attributes, so the
// signature holds over "content". Asserted: a detached signature that carries content is an error
// ("conflicting use", RFC 8551 3.5.3.1), never a signature; an opaque signature shows exactly the
// bytes it verified.
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { signMessage } from '@/lib/smime';
import { signedAttributesDer } from '@/lib/smime/cms/signed/signed-attributes';

import { type AttackPki, PAYMENT, attackPki, clearSignedMessage, clearSignedParts, latin1, pkcs7Der, pkcs7Message } from '../support/attack-messages';

let p: AttackPki;
beforeAll(() => {
  p = attackPki('sealpost-c1-');
});
afterAll(() => p?.pki.cleanup());

const FORGED = 'Content-Type: text/plain; charset=us-ascii\r\n\r\nPay Eve 1000 euros.\r\n';

/** The Johnny C1b SignedData: Alice's signed attributes as eContent, the SignerInfo without them. */
async function attributesAsContent(): Promise<{ der: Uint8Array; attributes: Uint8Array }> {
  const { p7s } = clearSignedParts(await signMessage(PAYMENT, p.identity(p.alice)));
  const signed = new pkijs.SignedData({ schema: pkijs.ContentInfo.fromBER(p7s.slice().buffer).content });
  const signer = signed.signerInfos[0]!;
  const attributes = signedAttributesDer(signer.signedAttrs!);
  signer.signedAttrs = undefined;
  signed.encapContentInfo = new pkijs.EncapsulatedContentInfo({ eContentType: signed.encapContentInfo.eContentType, eContent: new asn1js.OctetString({ valueHex: attributes.slice().buffer }) });
  const info = new pkijs.ContentInfo({ contentType: pkijs.ContentInfo.SIGNED_DATA, content: signed.toSchema(true) });
  return { der: new Uint8Array(info.toSchema().toBER(false)), attributes };
}

function expectConflictingUse(report: Awaited<ReturnType<AttackPki['read']>>['report']) {
  expect(report).toMatchObject({ signed: false, partial: false, signatures: [] });
  expect(report.layers).toMatchObject([{ kind: 'clear-signed', errors: [{ code: 'malformed-cms' }] }]);
  expect(report.errors[0]!.message).toMatch(/conflicting use/);
}

describe('C1: eContent confusion', () => {
  it('a multipart/signed whose .p7s carries Alice\'s signed content: an error, part 1 never shown as signed', async () => {
    const opaque = pkcs7Der(await signMessage(PAYMENT, p.identity(p.alice), { opaque: true }));
    const { report } = await p.read(clearSignedMessage(FORGED, opaque));
    expectConflictingUse(report);
    expect(report.text).toBe('Pay Eve 1000 euros.\r\n');
    // Even when part 1 is the very content the eContent holds, the conflicting use stays an error.
    const { entity } = clearSignedParts(await signMessage(PAYMENT, p.identity(p.alice)));
    expectConflictingUse((await p.read(clearSignedMessage(entity, opaque))).report);
  });

  it('control: the same signature, detached, verifies', async () => {
    const { report } = await p.read(await signMessage(PAYMENT, p.identity(p.alice)));
    expect(report).toMatchObject({ signed: true, errors: [] });
  });
});

describe('C1b: signedAttrs as content', () => {
  it('in a multipart/signed: the same conflicting-use error', async () => {
    const { der } = await attributesAsContent();
    expectConflictingUse((await p.read(clearSignedMessage(FORGED, der))).report);
  });

  it('as opaque signed-data: what is shown is exactly the bytes the signature covers, never other content', async () => {
    const { der, attributes } = await attributesAsContent();
    const { report, plaintext } = await p.read(pkcs7Message(der, 'signed-data'));
    // Alice did sign these bytes (as attributes): they, and nothing an attacker chose, are what is shown.
    expect(report.signatures).toMatchObject([{ signerEmail: 'alice@example.org', intact: true }]);
    expect(latin1(plaintext).endsWith(latin1(attributes))).toBe(true);
    expect(latin1(plaintext)).not.toMatch(/Pay (Bob|Eve)/);
  });
});
