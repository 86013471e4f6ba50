import * as pkijs from 'pkijs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { decryptEnvelope } from '@/lib/smime/cms/decrypt-envelope';
import { encryptEnvelope, type SendCipher } from '@/lib/smime/cms/encrypt-envelope';
import { signData } from '@/lib/smime/cms/sign-data';
import { verifySignedData } from '@/lib/smime/cms/verify-signed-data';
import type { Identity } from '@/lib/smime/keys/key-operations';
import { softKeyFromPkcs8 } from '@/lib/smime/keys/soft-key';

import { createGpgsmHome, gpgsmDecrypt, gpgsmEncrypt, gpgsmImport, gpgsmImportPkcs12, type GpgsmHome, gpgsmSign, gpgsmVerify } from '../support/gpgsm-tool';
import { createNssDb, nssDecrypt, type NssDb, nssEncrypt, nssImportPkcs12, nssSign, nssTrustCa, nssVerify } from '../support/nss-tool';
import { createTestPki, type IssuedCert, type TestPki } from '../support/test-pki';

// Sealpost's CMS against NSS (Thunderbird's engine, through cmsutil) and GnuPG's gpgsm, both
// directions, for everything those tools can do (docs/cli.md lists what they cannot: OAEP,
// AuthEnvelopedData, ECDH). OpenSSL is covered by signed-openssl and envelope-openssl.
const CONTENT = new TextEncoder().encode('Content-Type: text/plain; charset=utf-8\r\n\r\nInterop \u00e9t\u00e9 \u2713\r\n');
const PASSWORD = 'interop-pw';

let pki: TestPki;
let alice: IssuedCert; // RSA-2048, key in NSS and gpgsm
let bob: IssuedCert; // P-256, key in NSS; gpgsm knows the certificate only (it cannot import EC PKCS#12)
let nss: NssDb;
let gpg: GpgsmHome;

const certificate = (cert: IssuedCert) => pkijs.Certificate.fromBER(new Uint8Array(cert.certDer));
const identity = (cert: IssuedCert): Identity => ({ certificate: certificate(cert), key: softKeyFromPkcs8(cert.keyPkcs8) });
const changed = () => CONTENT.map((byte, i) => (i === CONTENT.length - 3 ? byte ^ 1 : byte));

beforeAll(() => {
  pki = createTestPki('sealpost-interop-lib-');
  alice = pki.issue({ name: 'alice', email: 'alice@example.org', key: 'rsa-2048' });
  bob = pki.issue({ name: 'bob', email: 'bob@example.org', key: 'p256' });
  nss = createNssDb();
  nssTrustCa(nss, pki.root.certPath, 'root');
  nssImportPkcs12(nss, pki.pkcs12(alice, PASSWORD, { friendlyName: 'alice' }), PASSWORD);
  nssImportPkcs12(nss, pki.pkcs12(bob, PASSWORD, { friendlyName: 'bob' }), PASSWORD);
  gpg = createGpgsmHome([pki.root.certPath]);
  gpgsmImportPkcs12(gpg, pki.pkcs12(alice, PASSWORD, { legacy: true }), PASSWORD);
  gpgsmImport(gpg, bob.certPath);
});

afterAll(() => {
  gpg?.cleanup();
  nss?.cleanup();
  pki?.cleanup();
});

async function expectIntact(der: Uint8Array, signer: IssuedCert, detachedContent?: Uint8Array) {
  const check = await verifySignedData(der, detachedContent ? { detachedContent } : {});
  expect(check.signers).toHaveLength(1);
  expect(check.signers[0]).toMatchObject({ intact: true, reasons: [] });
  expect(new Uint8Array(check.signers[0]!.signerCertificate!.toSchema().toBER())).toEqual(signer.certDer);
  return check;
}

describe('NSS cmsutil and Sealpost', () => {
  it('we verify what NSS signs, detached and opaque, RSA and P-256 (BER, the certificate twice)', async () => {
    await expectIntact(nssSign(nss, 'alice', CONTENT, { detached: true }), alice, CONTENT);
    const opaque = await expectIntact(nssSign(nss, 'alice', CONTENT, { detached: false }), alice);
    expect(opaque.content).toEqual(CONTENT);
    await expectIntact(nssSign(nss, 'bob', CONTENT, { detached: true }), bob, CONTENT);
    const tampered = await verifySignedData(nssSign(nss, 'alice', CONTENT, { detached: true }), { detachedContent: changed() });
    expect(tampered.signers[0]!.intact).toBe(false);
  });

  it.each([
    ['RSA PKCS#1 v1.5', () => alice, {}],
    ['RSA-PSS', () => alice, { rsaPss: true }],
    ['ECDSA P-256', () => bob, {}],
  ] as const)('NSS verifies what we sign with %s, detached and opaque', async (_name, signer, extra) => {
    const detached = await signData(CONTENT, identity(signer()), { detached: true, ...extra });
    expect(nssVerify(nss, detached, CONTENT)).toMatchObject({ ok: true });
    expect(nssVerify(nss, detached, changed()).ok).toBe(false);
    const opaque = await signData(CONTENT, identity(signer()), { detached: false, ...extra });
    expect(nssVerify(nss, opaque)).toMatchObject({ ok: true, content: CONTENT });
  });

  it('we decrypt what NSS encrypts (AES-128-CBC, RSA PKCS#1 v1.5)', async () => {
    const opened = await decryptEnvelope(nssEncrypt(nss, ['alice@example.org'], CONTENT), [identity(alice)]);
    expect(opened).toMatchObject({ content: CONTENT, contentCipher: 'aes-128-cbc', keyTransport: 'rsa-pkcs1v15', weakCipher: false });
  });

  it.each(['aes-256-cbc', 'aes-192-cbc', 'aes-128-cbc'] as SendCipher[])('NSS decrypts what we encrypt with %s and RSA PKCS#1 v1.5', async (cipher) => {
    const { der } = await encryptEnvelope(CONTENT, [certificate(alice)], { cipher });
    expect(nssDecrypt(nss, der)).toEqual(CONTENT);
  });
});

describe('GnuPG gpgsm and Sealpost', () => {
  it('we verify what gpgsm signs, detached and opaque, with its signingTime and capabilities', async () => {
    const detached = await expectIntact(gpgsmSign(gpg, 'alice@example.org', CONTENT, { detached: true }), alice, CONTENT);
    expect(detached.signers[0]!.signingTime).toBeInstanceOf(Date);
    expect(detached.signers[0]!.capabilities?.length).toBeGreaterThan(0);
    const opaque = await expectIntact(gpgsmSign(gpg, 'alice@example.org', CONTENT, { detached: false }), alice);
    expect(opaque.content).toEqual(CONTENT);
    const tampered = await verifySignedData(gpgsmSign(gpg, 'alice@example.org', CONTENT, { detached: true }), { detachedContent: changed() });
    expect(tampered.signers[0]!.intact).toBe(false);
  });

  it.each([
    ['RSA PKCS#1 v1.5', () => alice, {}],
    // gpgsm refuses PSS with OpenSSL's maximum salt; ours is the hash length, which it takes.
    ['RSA-PSS', () => alice, { rsaPss: true }],
    ['ECDSA P-256', () => bob, {}],
  ] as const)('gpgsm verifies what we sign with %s, detached and opaque', async (_name, signer, extra) => {
    const detached = await signData(CONTENT, identity(signer()), { detached: true, ...extra });
    expect(gpgsmVerify(gpg, detached, CONTENT)).toMatchObject({ ok: true });
    expect(gpgsmVerify(gpg, detached, changed()).ok).toBe(false);
    const opaque = await signData(CONTENT, identity(signer()), { detached: false, ...extra });
    expect(gpgsmVerify(gpg, opaque)).toMatchObject({ ok: true, content: CONTENT });
  });

  it('we decrypt what gpgsm encrypts (AES-128-CBC, RSA PKCS#1 v1.5)', async () => {
    const opened = await decryptEnvelope(gpgsmEncrypt(gpg, ['alice@example.org'], CONTENT), [identity(alice)]);
    expect(opened).toMatchObject({ content: CONTENT, contentCipher: 'aes-128-cbc', keyTransport: 'rsa-pkcs1v15' });
  });

  it.each(['aes-256-cbc', 'aes-128-cbc'] as SendCipher[])('gpgsm decrypts what we encrypt with %s and RSA PKCS#1 v1.5', async (cipher) => {
    const { der } = await encryptEnvelope(CONTENT, [certificate(alice)], { cipher });
    expect(gpgsmDecrypt(gpg, der)).toEqual(CONTENT);
  });
});
