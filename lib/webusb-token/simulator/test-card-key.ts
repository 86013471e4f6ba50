// Keys and certificates for simulated cards in unit tests (which cannot call OpenSSL): a WebCrypto
// key pair and an X.509 certificate for it from a throwaway P-256 CA. Not used by the card stack.
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';

export type TestCardKeySpec = { name: 'RSA' } | { name: 'EC'; curve: 'P-256' | 'P-384' };

export interface TestCardKey {
  /** PKCS#8 DER, for the simulator's slot. */
  pkcs8: Uint8Array;
  /** The certificate's DER and the certificate itself. */
  der: Uint8Array;
  certificate: pkijs.Certificate;
  publicKey: CryptoKey;
}

/** `subjectPadding` characters more in the subject make a certificate that needs GET RESPONSE and compresses well. */
export async function makeTestCardKey(spec: TestCardKeySpec, serial: number, subjectPadding = 0): Promise<TestCardKey> {
  const subtle = globalThis.crypto.subtle;
  const pair =
    spec.name === 'RSA'
      ? await subtle.generateKey({ name: 'RSASSA-PKCS1-v1_5', modulusLength: 2048, publicExponent: Uint8Array.of(1, 0, 1), hash: 'SHA-256' }, true, ['sign', 'verify'])
      : await subtle.generateKey({ name: 'ECDSA', namedCurve: spec.curve }, true, ['sign', 'verify']);
  const issuer = await subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, false, ['sign', 'verify']);
  const name = (cn: string) => new pkijs.RelativeDistinguishedNames({ typesAndValues: [new pkijs.AttributeTypeAndValue({ type: '2.5.4.3', value: new asn1js.Utf8String({ value: cn }) })] });
  const certificate = new pkijs.Certificate();
  certificate.version = 2;
  certificate.serialNumber = new asn1js.Integer({ value: serial });
  certificate.issuer = name('Card Test CA');
  certificate.subject = name(`card key ${serial} ${'x'.repeat(subjectPadding)}`);
  certificate.notBefore.value = new Date('2025-01-01T00:00:00Z');
  certificate.notAfter.value = new Date('2035-01-01T00:00:00Z');
  certificate.subjectPublicKeyInfo = pkijs.PublicKeyInfo.fromBER(await subtle.exportKey('spki', pair.publicKey));
  await certificate.sign(issuer.privateKey, 'SHA-256');
  const der = new Uint8Array(certificate.toSchema(true).toBER(false));
  return { pkcs8: new Uint8Array(await subtle.exportKey('pkcs8', pair.privateKey)), der, certificate: pkijs.Certificate.fromBER(der), publicKey: pair.publicKey };
}
