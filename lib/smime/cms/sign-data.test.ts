// signData and verifySignedData together, on keys and certificates made with WebCrypto (browser-safe):
// every key type, the Ed25519 fallback to @noble/curves, and the attributes we write. The OpenSSL
// checks of both are in tests/integration/signed-openssl.test.ts.
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';

import { SmimeError } from '../errors';
import type { KeyOperations } from '../keys/key-operations';
import { softKeyFromPkcs8 } from '../keys/soft-key';
import { OID } from '../oids';
import { installWebCrypto } from '../web-crypto';
import { DEFAULT_CAPABILITIES, signData } from './sign-data';
import { verifySignedData } from './verify-signed-data';

const subtle = globalThis.crypto.subtle;
const content = new TextEncoder().encode('Content-Type: text/plain\r\n\r\nHello.\r\n');
let issuerKey: CryptoKeyPair;
let serial = 1;

type KeyType = 'rsa' | 'p256' | 'p384' | 'p521' | 'ed25519';
const ALGORITHMS: Record<KeyType, RsaHashedKeyGenParams | EcKeyGenParams | { name: 'Ed25519' }> = {
  rsa: { name: 'RSASSA-PKCS1-v1_5', modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]), hash: 'SHA-256' },
  p256: { name: 'ECDSA', namedCurve: 'P-256' },
  p384: { name: 'ECDSA', namedCurve: 'P-384' },
  p521: { name: 'ECDSA', namedCurve: 'P-521' },
  ed25519: { name: 'Ed25519' },
};

/** A certificate for a new key of `type`, issued by a throwaway RSA CA, and the key as KeyOperations. */
async function identity(type: KeyType, name: string = type): Promise<{ certificate: pkijs.Certificate; key: KeyOperations }> {
  const pair = (await subtle.generateKey(ALGORITHMS[type], true, ['sign', 'verify'])) as CryptoKeyPair;
  const certificate = new pkijs.Certificate();
  certificate.version = 2;
  certificate.serialNumber = new asn1js.Integer({ value: serial++ });
  const cn = (value: string) => new pkijs.AttributeTypeAndValue({ type: '2.5.4.3', value: new asn1js.Utf8String({ value }) });
  certificate.issuer.typesAndValues.push(cn('Unit CA'));
  certificate.subject.typesAndValues.push(cn(name));
  certificate.notBefore.value = new Date(Date.now() - 3_600_000);
  certificate.notAfter.value = new Date(Date.now() + 3_600_000);
  certificate.subjectPublicKeyInfo.fromSchema(asn1js.fromBER(await subtle.exportKey('spki', pair.publicKey)).result);
  const keyId = new Uint8Array(await subtle.digest('SHA-1', certificate.subjectPublicKeyInfo.subjectPublicKey.valueBlock.valueHexView as Uint8Array<ArrayBuffer>));
  certificate.extensions = [new pkijs.Extension({ extnID: OID.subjectKeyIdentifier, extnValue: new asn1js.OctetString({ valueHex: keyId.buffer }).toBER() })];
  await certificate.sign(issuerKey.privateKey, 'SHA-256', pkijs.getCrypto(true));
  const parsed = pkijs.Certificate.fromBER(certificate.toSchema().toBER());
  return { certificate: parsed, key: softKeyFromPkcs8(new Uint8Array(await subtle.exportKey('pkcs8', pair.privateKey))) };
}

beforeAll(async () => {
  pkijs.setEngine('webcrypto', new pkijs.CryptoEngine({ name: 'webcrypto', crypto: globalThis.crypto }));
  issuerKey = (await subtle.generateKey(ALGORITHMS.rsa, true, ['sign', 'verify'])) as CryptoKeyPair;
});
afterEach(() => installWebCrypto(null));

describe('signData then verifySignedData', () => {
  it.each([
    ['rsa', {}, 'rsa-pkcs1-sha256'],
    ['rsa', { rsaPss: true, hash: 'SHA-384' }, 'rsa-pss-sha384'],
    ['p256', {}, 'ecdsa-p256-sha256'],
    ['p384', { hash: 'SHA-384' }, 'ecdsa-p384-sha384'],
    ['p521', { hash: 'SHA-512' }, 'ecdsa-p521-sha512'],
    ['ed25519', { hash: 'SHA-256' }, 'ed25519'],
  ] as const)('%s %j is intact, detached and opaque; changed content is not', async (type, extra, algorithm) => {
    const signer = await identity(type);
    const detached = await signData(content, signer, { detached: true, ...extra });
    const check = await verifySignedData(detached, { detachedContent: content });
    expect(check.signers[0]).toMatchObject({ intact: true, algorithm, reasons: [], capabilities: DEFAULT_CAPABILITIES });
    expect(check.signers[0]!.digestAlgorithm).toBe(type === 'ed25519' ? 'SHA-512' : ('hash' in extra ? extra.hash : 'SHA-256'));
    const changed = await verifySignedData(detached, { detachedContent: content.subarray(1) });
    expect(changed.signers[0]).toMatchObject({ intact: false, reasons: ['The message was changed after it was signed.'] });
    const opaque = await verifySignedData(await signData(content, signer, { detached: false, ...extra }));
    expect(opaque.content).toEqual(content);
    expect(opaque.signers[0]!.intact).toBe(true);
  });

  it('Ed25519 verifies through @noble/curves when WebCrypto lacks Ed25519', async () => {
    const signer = await identity('ed25519');
    const der = await signData(content, signer, { detached: true });
    const importKey = subtle.importKey.bind(subtle);
    const withoutEd25519 = {
      subtle: new Proxy(subtle, {
        get(target, property) {
          if (property === 'importKey') {
            return (format: 'spki', data: BufferSource, algorithm: AlgorithmIdentifier, extractable: boolean, usages: KeyUsage[]) => {
              if ((typeof algorithm === 'string' ? algorithm : algorithm.name) === 'Ed25519') return Promise.reject(new DOMException('Unrecognized name.', 'NotSupportedError'));
              return importKey(format, data, algorithm, extractable, usages);
            };
          }
          const value = Reflect.get(target, property) as unknown;
          return typeof value === 'function' ? value.bind(target) : value;
        },
      }),
    } as Crypto;
    installWebCrypto(withoutEd25519);
    expect((await verifySignedData(der, { detachedContent: content })).signers[0]).toMatchObject({ intact: true, algorithm: 'ed25519' });
    expect((await verifySignedData(der, { detachedContent: content.subarray(2) })).signers[0]!.intact).toBe(false);
  });

  it('writes the encryption key preference, signingTime and a signingCertificateV2 that binds the certificate', async () => {
    const signer = await identity('p256', 'alice');
    const encryption = await identity('rsa', 'alice-enc');
    const signingTime = new Date('2030-05-06T07:08:09Z');
    const der = await signData(content, signer, { detached: true, signingTime, encryptionCertificate: encryption.certificate, capabilities: [{ oid: OID.aes128Cbc }] });
    const check = await verifySignedData(der, { detachedContent: content });
    expect(check.signers[0]).toMatchObject({
      intact: true,
      signingTime,
      capabilities: [{ oid: OID.aes128Cbc }],
      encryptionKeyPreference: { issuer: 'CN=Unit CA', serialNumber: Array.from(encryption.certificate.serialNumber.valueBlock.valueHexView, (b) => b.toString(16).padStart(2, '0')).join('') },
    });
    // The signing-certificate attribute binds this certificate: another one with the same key fails.
    const twin = await identity('p256', 'alice');
    twin.certificate.subjectPublicKeyInfo = signer.certificate.subjectPublicKeyInfo;
    twin.certificate.serialNumber = signer.certificate.serialNumber;
    await twin.certificate.sign(issuerKey.privateKey, 'SHA-256', pkijs.getCrypto(true));
    const onlyTwin = pkijs.Certificate.fromBER(twin.certificate.toSchema().toBER());
    const withoutCertificates = stripCertificates(await signData(content, signer, { detached: true }));
    expect((await verifySignedData(withoutCertificates, { detachedContent: content, extraCertificates: [signer.certificate] })).signers[0]!.intact).toBe(true);
    const swapped = await verifySignedData(withoutCertificates, { detachedContent: content, extraCertificates: [onlyTwin] });
    expect(swapped.signers[0]).toMatchObject({ intact: false, reasons: ["The signing-certificate attribute names a different certificate than the signer's."] });
  });

  it('verifies a handed-over input in place: the content is a view into it, not a copy', async () => {
    const der = await signData(content, await identity('p256'), { detached: false });
    const inPlace = await verifySignedData(der, { inputHandedOver: true });
    const copied = await verifySignedData(der);
    expect(inPlace.signers[0]!.intact).toBe(true);
    expect(inPlace.content!.buffer).toBe(der.buffer);
    expect(copied.content!.buffer).not.toBe(der.buffer);
  });

  it('refuses bad options with invalid-argument', async () => {
    const signer = await identity('p256');
    const codeOf = (promise: Promise<unknown>) => promise.then(() => undefined, (error: unknown) => (error instanceof SmimeError ? error.code : 'untyped'));
    expect(await codeOf(signData(content, signer, {} as never))).toBe('invalid-argument');
    expect(await codeOf(signData(content, signer, { detached: true, hash: 'SHA-1' as never }))).toBe('invalid-argument');
    expect(await codeOf(signData(content, signer, { detached: true, signingTime: new Date(NaN) }))).toBe('invalid-argument');
    expect(await codeOf(signData(content, { ...signer, key: { kind: 'ec', curve: 'P-256' } }, { detached: true }))).toBe('invalid-argument');
  });
});

/** The same SignedData without its certificates field, so the signer must come from extraCertificates. */
function stripCertificates(der: Uint8Array): Uint8Array {
  const info = pkijs.ContentInfo.fromBER(new Uint8Array(der));
  const signedData = new pkijs.SignedData({ schema: info.content });
  signedData.certificates = undefined;
  const sequence = signedData.toSchema(true) as asn1js.Sequence;
  sequence.valueBlock.value = sequence.valueBlock.value.filter((v) => !(v.idBlock.tagClass === 3 && v.idBlock.tagNumber === 0));
  return new Uint8Array(new pkijs.ContentInfo({ contentType: OID.signedData, content: sequence }).toSchema().toBER());
}
