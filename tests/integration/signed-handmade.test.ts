// SignedData that OpenSSL's cms command will not write (built by tests/attacks/support/handmade-signed-data.ts)
// checked by the CMS verifier: Johnny C5 (contentType attribute != eContentType), C6 (repeated or
// multi-valued attributes), id-ecPublicKey as signatureAlgorithm, Ed25519 from an independent
// signer, a signing-certificate attribute naming another certificate, and two certificates
// sharing one SubjectKeyIdentifier.
import * as asn1js from 'asn1js';
import { afterAll, describe, expect, it } from 'vitest';

import { OID } from '@/lib/smime/oids';
import { verifySignedData } from '@/lib/smime/cms/verify-signed-data';
import { createTestPki, openssl, type IssuedCert } from '@/tests/support/test-pki';
import { algorithm, attribute, certificateOf, handmadeSigner, octets } from '@/tests/attacks/support/handmade-signed-data';

const pki = createTestPki('sealpost-signed-hand-');
afterAll(() => pki.cleanup());

const rsa = pki.issue({ name: 'rsa', key: 'rsa-2048', email: 'rsa@example.test' });
const other = pki.issue({ name: 'other', key: 'rsa-2048', email: 'other@example.test' });
const p256 = pki.issue({ name: 'p256', key: 'p256', email: 'p256@example.test' });
const ed = pki.issue({ name: 'ed', key: 'ed25519', email: 'ed@example.test' });
// Two certificates with one SubjectKeyIdentifier (RFC 8551 2.6: try each).
const twinA = pki.issue({ name: 'twin-a', key: 'p256', extraExtensions: ['subjectKeyIdentifier = 0102030405'] });
const twinB = pki.issue({ name: 'twin-b', key: 'p256', extraExtensions: ['subjectKeyIdentifier = 0102030405'] });

const CONTENT = new TextEncoder().encode('Content-Type: text/plain\r\n\r\nPay Bob 10 euros.\r\n');
const TST_INFO = '1.2.840.113549.1.9.16.1.4';
const { handmade, usual, sha, write } = handmadeSigner(pki, CONTENT);

const verify = (message: Uint8Array, options: Parameters<typeof verifySignedData>[1] = { detachedContent: CONTENT }) => verifySignedData(message, options);

describe('hand-built SignedData', () => {
  it('the builder makes what we accept (control)', async () => {
    const check = await verify(handmade({ signer: rsa, attributes: usual() }));
    expect(check.signers[0]).toMatchObject({ intact: true, algorithm: 'rsa-pkcs1-sha256', reasons: [] });
    // ... and what OpenSSL accepts.
    openssl(['cms', '-verify', '-binary', '-inform', 'DER', '-in', write(handmade({ signer: rsa, attributes: usual() })), '-content', write(CONTENT), '-CAfile', pki.root.certPath, '-out', pki.file('out')]);
  });

  it('C5: a contentType attribute that is not the eContentType', async () => {
    const mismatched = handmade({ signer: rsa, attributes: usual(CONTENT, OID.data), eContentType: TST_INFO, opaque: true });
    const check = await verify(mismatched, {});
    expect(check.eContentType).toBe(TST_INFO);
    expect(check.signers[0]).toMatchObject({ intact: false, reasons: ['The signed content type does not match the type of the content.'] });
    const matching = handmade({ signer: rsa, attributes: usual(CONTENT, TST_INFO), eContentType: TST_INFO, opaque: true });
    expect((await verify(matching, {})).signers[0]).toMatchObject({ intact: true });
  });

  it('C6: two messageDigest attributes, or one with two values, are refused', async () => {
    const [contentType, signingTime, messageDigest] = usual();
    const twice = handmade({ signer: rsa, attributes: [contentType!, signingTime!, messageDigest!, attribute(OID.messageDigest, octets(sha(256, new TextEncoder().encode('other'))))] });
    expect((await verify(twice)).signers[0]).toMatchObject({ intact: false, reasons: ['The signature has more than one message digest attribute.'] });
    const twoValues = handmade({ signer: rsa, attributes: [contentType!, signingTime!, attribute(OID.messageDigest, octets(sha(256, CONTENT)), octets(sha(256, CONTENT)))] });
    expect((await verify(twoValues)).signers[0]).toMatchObject({ intact: false, reasons: ['The message digest attribute has more than one value.'] });
  });

  it('missing contentType or messageDigest, repeated signingTime or capabilities are refused', async () => {
    const [contentType, signingTime, messageDigest] = usual();
    const cases: [asn1js.Sequence[], string][] = [
      [[signingTime!, messageDigest!], 'The signature has no content type attribute.'],
      [[contentType!, signingTime!], 'The signature has no message digest attribute.'],
      [[...usual(), attribute(OID.signingTime, new asn1js.UTCTime({ valueDate: new Date(0) }))], 'The signature has more than one signing time attribute.'],
      [[...usual(), attribute(OID.smimeCapabilities, new asn1js.Sequence()), attribute(OID.smimeCapabilities, new asn1js.Sequence())], 'The signature has more than one S/MIME capabilities attribute.'],
      [[contentType!, messageDigest!, attribute(OID.signingTime, new asn1js.UTCTime({ valueDate: new Date() }), new asn1js.UTCTime({ valueDate: new Date(0) }))], 'The signing time attribute has more than one value.'],
    ];
    for (const [attributes, reason] of cases) {
      expect((await verify(handmade({ signer: rsa, attributes }))).signers[0]).toMatchObject({ intact: false, reasons: [reason] });
    }
  });

  it('a GeneralizedTime signingTime after 2049 is read; a malformed one is a reason', async () => {
    const later = [...usual().filter((_, i) => i !== 1), attribute(OID.signingTime, new asn1js.GeneralizedTime({ value: '20600102030405Z' }))];
    expect((await verify(handmade({ signer: rsa, attributes: later }))).signers[0]).toMatchObject({ intact: true, signingTime: new Date('2060-01-02T03:04:05Z') });
    const bad = [...usual().filter((_, i) => i !== 1), attribute(OID.signingTime, new asn1js.UTCTime({ value: '6001020304Z' }))];
    expect((await verify(handmade({ signer: rsa, attributes: bad }))).signers[0]).toMatchObject({ intact: false, reasons: ['The signing time is not a UTC time with seconds.'] });
  });

  it('no signed attributes over content other than id-data is refused', async () => {
    const check = await verify(handmade({ signer: rsa, attributes: null, eContentType: TST_INFO, opaque: true }), {});
    expect(check.signers[0]).toMatchObject({ intact: false, reasons: ['The signature has no signed attributes, which content other than plain data requires.'] });
  });

  it('id-ecPublicKey as signatureAlgorithm takes its hash from digestAlgorithm', async () => {
    const check = await verify(handmade({ signer: p256, attributes: usual(), signatureAlgorithm: algorithm(OID.ecPublicKey) }));
    expect(check.signers[0]).toMatchObject({ intact: true, algorithm: 'ecdsa-p256-sha256', reasons: [] });
  });

  it('a signature algorithm that does not fit the key is a reason, not an exception', async () => {
    const check = await verify(handmade({ signer: p256, attributes: usual(), signatureAlgorithm: algorithm(OID.rsaEncryption, new asn1js.Null()) }));
    expect(check.signers[0]).toMatchObject({ intact: false, reasons: ["The signature algorithm does not fit the signer's key."] });
  });

  it('Ed25519 signed by OpenSSL (pkeyutl): with attributes (SHA-512) and without', async () => {
    const withAttributes = handmade({ signer: ed, attributes: usual(CONTENT, OID.data, 512) });
    expect((await verify(withAttributes)).signers[0]).toMatchObject({ intact: true, algorithm: 'ed25519', digestAlgorithm: 'SHA-512', reasons: [] });
    const changed = new TextEncoder().encode('Content-Type: text/plain\r\n\r\nPay Bob 99 euros.\r\n');
    expect((await verify(withAttributes, { detachedContent: changed })).signers[0]).toMatchObject({ intact: false, reasons: ['The message was changed after it was signed.'] });
    const pure = handmade({ signer: ed, attributes: null });
    expect((await verify(pure)).signers[0]).toMatchObject({ intact: true, algorithm: 'ed25519' });
    expect((await verify(pure, { detachedContent: changed })).signers[0]!.intact).toBe(false);
  });

  it('signingCertificateV2 that names another certificate is refused; naming the signer passes', async () => {
    const essFor = (cert: IssuedCert) =>
      attribute(OID.signingCertificateV2, new asn1js.Sequence({ value: [new asn1js.Sequence({ value: [new asn1js.Sequence({ value: [octets(sha(256, cert.certDer))] })] })] }));
    const wrong = await verify(handmade({ signer: rsa, attributes: [...usual(), essFor(other)] }));
    expect(wrong.signers[0]).toMatchObject({ intact: false, reasons: ["The signing-certificate attribute names a different certificate than the signer's."] });
    const right = await verify(handmade({ signer: rsa, attributes: [...usual(), essFor(rsa)] }));
    expect(right.signers[0]).toMatchObject({ intact: true });
  });

  it('a SubjectKeyIdentifier shared by two certificates: the one whose key verifies is the signer', async () => {
    const message = handmade({ signer: twinB, attributes: usual(), keyIdentifier: new Uint8Array([1, 2, 3, 4, 5]), certificates: [twinA, twinB] });
    const check = await verify(message);
    expect(check.signers[0]).toMatchObject({ intact: true, signerIdentifier: { subjectKeyIdentifier: '0102030405' } });
    expect(check.signers[0]!.signerCertificate!.subject.typesAndValues[0]!.value.valueBlock.value).toBe('twin-b');
    // Only the twin that did not sign: the signature fails, with that certificate reported.
    const onlyA = await verify(handmade({ signer: twinB, attributes: usual(), keyIdentifier: new Uint8Array([1, 2, 3, 4, 5]), certificates: [twinA] }));
    expect(onlyA.signers[0]).toMatchObject({ intact: false, reasons: ["The signature is not valid for the signer's certificate."] });
  });

  it('Outlook\'s encryption key preference alone is read', async () => {
    const certificate = certificateOf(other);
    const preference = attribute(OID.msOutlookEncryptionKeyPreference, new asn1js.Sequence({ value: [certificate.issuer.toSchema(), certificate.serialNumber] }));
    const check = await verify(handmade({ signer: rsa, attributes: [...usual(), preference] }));
    expect(check.signers[0]).toMatchObject({ intact: true, encryptionKeyPreference: { issuer: 'O=Sealpost Tests,CN=Test Root CA' } });
  });
});
