// No signers ("Johnny, You Are Fired!", Müller et al., USENIX Security 2019, section 4.1; row C3
// of ../shared/notes/smime-stack.md section 4): a SignedData with an empty signerInfos was shown
// as signed (Outlook, Mutt). Asserted: content under such a "signature", opaque or detached, is
// not signed, has no signatures, and carries an error; a real certs-only bundle (no content) is a
// certificate bundle without an error.
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { certsOnly } from '@/lib/smime/certs/test-certificate-factory';
import { OID } from '@/lib/smime/oids';

import { type AttackPki, attackPki, bytes, clearSignedMessage, pkcs7Message } from '../support/attack-messages';

let p: AttackPki;
beforeAll(() => {
  p = attackPki('sealpost-c3-');
});
afterAll(() => p?.pki.cleanup());

const ENTITY = 'Content-Type: text/plain; charset=us-ascii\r\n\r\nPay Eve 1000 euros.\r\n';

/** A SignedData with Alice's certificate, `content` as eContent, and no SignerInfo. */
function noSigners(content: Uint8Array): Uint8Array {
  const signed = new pkijs.SignedData({
    version: 1,
    encapContentInfo: new pkijs.EncapsulatedContentInfo({ eContentType: OID.data, eContent: new asn1js.OctetString({ valueHex: content.slice().buffer }) }),
    certificates: [p.certificate(p.alice)],
    signerInfos: [],
  });
  return new Uint8Array(new pkijs.ContentInfo({ contentType: OID.signedData, content: signed.toSchema(true) }).toSchema().toBER(false));
}

const NOT_SIGNED = { code: 'malformed-cms', message: 'The message looks signed but its signature has no signers: it is not signed.' };

describe('C3: no signers', () => {
  it('opaque signed-data with content and no signers: not signed, an error', async () => {
    const { report } = await p.read(pkcs7Message(noSigners(bytes(ENTITY)), 'signed-data'));
    expect(report).toMatchObject({ signed: false, partial: false, signatures: [], errors: [NOT_SIGNED] });
  });

  it('multipart/signed whose .p7s has no signers: not signed, an error', async () => {
    const { report } = await p.read(clearSignedMessage(ENTITY, certsOnly([p.certificate(p.alice)])));
    expect(report).toMatchObject({ signed: false, partial: false, signatures: [], errors: [NOT_SIGNED] });
  });

  it('control: a certs-only bundle is a bundle, with no error and no signature', async () => {
    const { report, certificates } = await p.read(pkcs7Message(certsOnly([p.certificate(p.alice)]), 'certs-only'));
    expect(report).toMatchObject({ signed: false, signatures: [], errors: [], layers: [{ kind: 'certs-only' }] });
    expect(certificates).toHaveLength(1);
  });
});
