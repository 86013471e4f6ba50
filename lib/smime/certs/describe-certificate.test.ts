import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { describe, expect, it } from 'vitest';

import { OID } from '../oids';
import { certificateEmails, sameCertificate, summarizeCertificate } from './describe-certificate';
import { altNames, extension, makeTestCertificate } from './test-certificate-factory';
import { readCertificates } from './read-certificates';
import { digest } from '../web-crypto';
import { toHex } from '../../bytes';

const cn = (value: string) => ({ type: '2.5.4.3', value });
const email = (value: string) => ({ type: OID.emailAddress, value });

describe('certificateEmails', () => {
  it('takes rfc822Name and SmtpUTF8Mailbox from subjectAltName, lower-casing only the domain', async () => {
    const { certificate } = await makeTestCertificate({
      subject: [cn('Alice'), email('ignored@example.org')],
      extensions: [altNames(['Alice.Smith@Example.ORG', 'alice@example.org'], ['Jörg@Bücher.Example'])],
    });
    expect(certificateEmails(certificate)).toEqual(['Alice.Smith@example.org', 'alice@example.org', 'Jörg@bücher.example']);
  });

  it('falls back to the subject emailAddress when subjectAltName has no address', async () => {
    const { certificate } = await makeTestCertificate({ subject: [cn('Bob'), email('Bob@EXAMPLE.net')] });
    expect(certificateEmails(certificate)).toEqual(['Bob@example.net']);
  });

  it('names no address when there is none, and skips values that are not addresses', async () => {
    const { certificate } = await makeTestCertificate({ subject: [cn('Server')], extensions: [altNames(['no-at-sign', '@example.org'])] });
    expect(certificateEmails(certificate)).toEqual([]);
  });
});

describe('summarizeCertificate', () => {
  it('describes a self-signed CA', async () => {
    const made = await makeTestCertificate({
      subject: [cn('Example, Root'), { type: '2.5.4.10', value: 'Example' }],
      serial: 0x1234,
      extensions: [
        extension(OID.basicConstraints, new pkijs.BasicConstraints({ cA: true }).toSchema(), true),
        extension(OID.keyUsage, new asn1js.BitString({ valueHex: new Uint8Array([0x06]).buffer, unusedBits: 1 }), true),
      ],
    });
    const summary = await summarizeCertificate(made.certificate);
    expect(summary).toEqual({
      subject: 'CN=Example\\, Root, O=Example',
      issuer: 'CN=Example\\, Root, O=Example',
      serialNumber: '1234',
      notBefore: '2025-01-01T00:00:00.000Z',
      notAfter: '2035-01-01T00:00:00.000Z',
      sha1: toHex(await digest('SHA-1', made.der)),
      sha256: toHex(await digest('SHA-256', made.der)),
      emails: [],
      keyUsage: ['keyCertSign', 'cRLSign'],
      extendedKeyUsage: [],
      keyAlgorithm: 'ec-p256',
      isCa: true,
      selfSigned: true,
    });
  });

  it('describes an Ed25519 end entity with EKU, and a certificate whose signature does not verify is not self-signed', async () => {
    const made = await makeTestCertificate({
      subject: [cn('Carlos')],
      key: 'ed25519',
      extensions: [altNames(['carlos@example.com']), extension(OID.extKeyUsage, new pkijs.ExtKeyUsage({ keyPurposes: [OID.emailProtection, '1.2.3.4'] }).toSchema())],
    });
    const summary = await summarizeCertificate(made.certificate);
    expect(summary).toMatchObject({ keyAlgorithm: 'ed25519', emails: ['carlos@example.com'], extendedKeyUsage: ['emailProtection', '1.2.3.4'], isCa: false, selfSigned: true });
    const tampered = new Uint8Array(made.der);
    tampered[tampered.length - 1]! ^= 1;
    expect((await summarizeCertificate(readCertificates(tampered)[0]!)).selfSigned).toBe(false);
  });

  it('turns a broken extension into malformed-certificate', async () => {
    const { certificate } = await makeTestCertificate({ subject: [cn('Broken')], extensions: [extension(OID.basicConstraints, new asn1js.Utf8String({ value: 'x' }))] });
    await expect(summarizeCertificate(certificate)).rejects.toMatchObject({ code: 'malformed-certificate' });
  });
});

describe('sameCertificate', () => {
  it('compares the encoding, not the names', async () => {
    const a = await makeTestCertificate({ subject: [cn('Same')] });
    const b = await makeTestCertificate({ subject: [cn('Same')] });
    expect(sameCertificate(a.certificate, readCertificates(a.der)[0]!)).toBe(true);
    expect(sameCertificate(a.certificate, b.certificate)).toBe(false);
  });
});
