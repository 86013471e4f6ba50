// Certificates made in memory with pkijs and WebCrypto, for the unit tests of this folder (which
// run in the browser too, so they cannot call OpenSSL). Not used by the engine itself.
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';

import { OID } from '../oids';
import { webCrypto } from '../web-crypto';

export interface TestCertificateSpec {
  subject: { type: string; value: string }[];
  /** Extensions as pkijs builds them. */
  extensions?: pkijs.Extension[];
  serial?: number;
  key?: 'p256' | 'ed25519';
}

export interface TestCertificate {
  certificate: pkijs.Certificate;
  der: Uint8Array;
}

/** A self-signed certificate (ECDSA P-256 with SHA-256, or Ed25519). */
export async function makeTestCertificate(spec: TestCertificateSpec): Promise<TestCertificate> {
  const subtle = webCrypto().subtle;
  const ed25519 = spec.key === 'ed25519';
  const algorithm: AlgorithmIdentifier | EcKeyGenParams = ed25519 ? { name: 'Ed25519' } : { name: 'ECDSA', namedCurve: 'P-256' };
  const keys = (await subtle.generateKey(algorithm, true, ['sign', 'verify'])) as CryptoKeyPair;
  const certificate = new pkijs.Certificate();
  certificate.version = 2;
  certificate.serialNumber = new asn1js.Integer({ value: spec.serial ?? 1 });
  const name = new pkijs.RelativeDistinguishedNames({
    typesAndValues: spec.subject.map(
      ({ type, value }) =>
        new pkijs.AttributeTypeAndValue({ type, value: type === OID.emailAddress ? new asn1js.IA5String({ value }) : new asn1js.Utf8String({ value }) }),
    ),
  });
  certificate.subject = name;
  certificate.issuer = name;
  certificate.notBefore.value = new Date('2025-01-01T00:00:00Z');
  certificate.notAfter.value = new Date('2035-01-01T00:00:00Z');
  certificate.extensions = spec.extensions;
  const spki = new Uint8Array(await subtle.exportKey('spki', keys.publicKey));
  certificate.subjectPublicKeyInfo = pkijs.PublicKeyInfo.fromBER(spki);
  if (ed25519) {
    const algorithm = new pkijs.AlgorithmIdentifier({ algorithmId: OID.ed25519 });
    certificate.signature = algorithm;
    certificate.signatureAlgorithm = algorithm;
    certificate.tbsView = new Uint8Array(certificate.encodeTBS().toBER(false));
    const signature = await subtle.sign('Ed25519', keys.privateKey, certificate.tbsView as Uint8Array<ArrayBuffer>);
    certificate.signatureValue = new asn1js.BitString({ valueHex: signature });
  } else {
    await certificate.sign(keys.privateKey, 'SHA-256');
  }
  const der = new Uint8Array(certificate.toSchema(true).toBER(false));
  return { certificate: pkijs.Certificate.fromBER(der), der };
}

export function extension(oid: string, value: { toBER(sizeOnly?: boolean): ArrayBuffer }, critical = false): pkijs.Extension {
  return new pkijs.Extension({ extnID: oid, critical, extnValue: value.toBER(false) });
}

/** subjectAltName with rfc822Names and SmtpUTF8Mailbox otherNames (RFC 8398), encoded by hand as pkijs mis-tags otherName. */
export function altNames(emails: string[], utf8Mailboxes: string[] = []): pkijs.Extension {
  const names = [
    ...emails.map((value) => new asn1js.Primitive({ idBlock: { tagClass: 3, tagNumber: 1 }, valueHex: new TextEncoder().encode(value).buffer })),
    ...utf8Mailboxes.map(
      (value) =>
        new asn1js.Constructed({
          idBlock: { tagClass: 3, tagNumber: 0 },
          value: [new asn1js.ObjectIdentifier({ value: OID.smtpUtf8Mailbox }), new asn1js.Constructed({ idBlock: { tagClass: 3, tagNumber: 0 }, value: [new asn1js.Utf8String({ value })] })],
        }),
    ),
  ];
  return extension(OID.subjectAltName, new asn1js.Sequence({ value: names }));
}

/** A PKCS#7 certs-only SignedData (RFC 8551 section 3.8) holding `certificates`. */
export function certsOnly(certificates: pkijs.Certificate[]): Uint8Array {
  const signed = new pkijs.SignedData({
    version: 1,
    encapContentInfo: new pkijs.EncapsulatedContentInfo({ eContentType: OID.data }),
    certificates,
    signerInfos: [],
  });
  const info = new pkijs.ContentInfo({ contentType: OID.signedData, content: signed.toSchema(true) });
  return new Uint8Array(info.toSchema().toBER(false));
}

export function pem(label: string, der: Uint8Array, lineEnd = '\n'): string {
  const base64 = btoa(String.fromCharCode(...der));
  return `-----BEGIN ${label}-----${lineEnd}${base64.match(/.{1,64}/g)!.join(lineEnd)}${lineEnd}-----END ${label}-----${lineEnd}`;
}
