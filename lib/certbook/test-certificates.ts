// Certificates made in memory for the unit tests of lib/certbook and stores/certbook-store (not
// used by the app): a contact's certificate from a named issuer, with a chosen key and validity.
// The signature is made with the subject's own key: these tests never build chains.
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';

export interface TestContactCertificate {
  certificate: pkijs.Certificate;
  der: Uint8Array;
  keys: CryptoKeyPair;
}

export const newKeys = (): Promise<CryptoKeyPair> =>
  globalThis.crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, ['sign', 'verify']) as Promise<CryptoKeyPair>;

const name = (cn: string) =>
  new pkijs.RelativeDistinguishedNames({ typesAndValues: [new pkijs.AttributeTypeAndValue({ type: '2.5.4.3', value: new asn1js.Utf8String({ value: cn }) })] });

function extension(oid: string, value: asn1js.BaseBlock, critical = false): pkijs.Extension {
  return new pkijs.Extension({ extnID: oid, critical, extnValue: value.toBER(false) });
}

let serial = 1;

export async function contactCertificate(spec: {
  emails: string[];
  issuer: string;
  notBefore?: string;
  notAfter?: string;
  keys?: CryptoKeyPair;
  ca?: boolean;
  /** authorityKeyIdentifier keyIdentifier bytes. */
  authorityKeyId?: number[];
}): Promise<TestContactCertificate> {
  const keys = spec.keys ?? (await newKeys());
  const certificate = new pkijs.Certificate();
  certificate.version = 2;
  certificate.serialNumber = new asn1js.Integer({ value: serial++ });
  certificate.subject = name(spec.emails[0] ?? 'no address');
  certificate.issuer = name(spec.issuer);
  certificate.notBefore.value = new Date(spec.notBefore ?? '2025-01-01T00:00:00Z');
  certificate.notAfter.value = new Date(spec.notAfter ?? '2035-01-01T00:00:00Z');
  const altNames = new asn1js.Sequence({
    value: spec.emails.map((e) => new asn1js.Primitive({ idBlock: { tagClass: 3, tagNumber: 1 }, valueHex: new TextEncoder().encode(e).buffer })),
  });
  certificate.extensions = [
    ...(spec.emails.length ? [extension('2.5.29.17', altNames)] : []),
    ...(spec.ca ? [extension('2.5.29.19', new asn1js.Sequence({ value: [new asn1js.Boolean({ value: true })] }), true)] : []),
    ...(spec.authorityKeyId
      ? [extension('2.5.29.35', new asn1js.Sequence({ value: [new asn1js.Primitive({ idBlock: { tagClass: 3, tagNumber: 0 }, valueHex: new Uint8Array(spec.authorityKeyId).buffer })] }))]
      : []),
  ];
  const spki = new Uint8Array(await globalThis.crypto.subtle.exportKey('spki', keys.publicKey));
  certificate.subjectPublicKeyInfo = pkijs.PublicKeyInfo.fromBER(spki);
  await certificate.sign(keys.privateKey, 'SHA-256');
  const der = new Uint8Array(certificate.toSchema(true).toBER(false));
  return { certificate: pkijs.Certificate.fromBER(der), der, keys };
}
