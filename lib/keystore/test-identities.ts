// Identities made in memory for the keystore's unit tests: an RSA or EC key, a self-signed
// certificate naming an address, and a PKCS#12 file of them (low iteration count: tests only).
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';

import { writePkcs12 } from '@/lib/smime';
import { altNames } from '@/lib/smime/certs/test-certificate-factory';

export interface TestIdentity {
  pkcs8: Uint8Array;
  certificate: pkijs.Certificate;
  der: Uint8Array;
  publicKey: CryptoKey;
}

export async function makeTestIdentity(
  email: string,
  options: { key?: 'rsa' | 'ec'; serial?: number; notBefore?: Date; notAfter?: Date; commonName?: string } = {},
): Promise<TestIdentity> {
  const subtle = globalThis.crypto.subtle;
  const rsa = (options.key ?? 'rsa') === 'rsa';
  const algorithm = rsa
    ? { name: 'RSASSA-PKCS1-v1_5', modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]), hash: 'SHA-256' }
    : { name: 'ECDSA', namedCurve: 'P-256' };
  const keys = (await subtle.generateKey(algorithm, true, ['sign', 'verify'])) as CryptoKeyPair;
  const certificate = new pkijs.Certificate();
  certificate.version = 2;
  certificate.serialNumber = new asn1js.Integer({ value: options.serial ?? 1 });
  const name = new pkijs.RelativeDistinguishedNames({
    typesAndValues: [new pkijs.AttributeTypeAndValue({ type: '2.5.4.3', value: new asn1js.Utf8String({ value: options.commonName ?? email }) })],
  });
  certificate.subject = name;
  certificate.issuer = name;
  certificate.notBefore.value = options.notBefore ?? new Date(Date.now() - 86_400_000);
  certificate.notAfter.value = options.notAfter ?? new Date(Date.now() + 365 * 86_400_000);
  certificate.extensions = [altNames([email])];
  certificate.subjectPublicKeyInfo = pkijs.PublicKeyInfo.fromBER(new Uint8Array(await subtle.exportKey('spki', keys.publicKey)));
  await certificate.sign(keys.privateKey, 'SHA-256');
  const der = new Uint8Array(certificate.toSchema(true).toBER(false));
  const pkcs8 = new Uint8Array(await subtle.exportKey('pkcs8', keys.privateKey));
  return { pkcs8, certificate: pkijs.Certificate.fromBER(der), der, publicKey: keys.publicKey };
}

export function testPkcs12(identities: TestIdentity[], password: string): Promise<Uint8Array> {
  return writePkcs12(identities.map((i) => ({ pkcs8: i.pkcs8, certificate: i.certificate, friendlyName: `Key of ${i.certificate.serialNumber.valueBlock.valueDec}` })), password, { iterations: 1000 });
}
