import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { createGpgsmHome, gpgAgentPids, gpgsmDecrypt, gpgsmEncrypt, gpgsmImport, gpgsmImportPkcs12, type GpgsmHome, gpgsmSign, gpgsmVerify } from '../support/gpgsm-tool';
import { createNssDb, nssDecrypt, type NssDb, nssEncrypt, nssImportCertificate, nssImportPkcs12, nssSign, nssTrustCa, nssVerify } from '../support/nss-tool';
import { createTestPki, type IssuedCert, openssl, type TestPki } from '../support/test-pki';

// The harnesses for NSS and gpgsm, proven by cross-checking both tools against OpenSSL (no
// Sealpost code involved). The assertions on structure record what each tool writes by default,
// which docs/cli.md summarises for the two-way interop tests.
const CONTENT = new TextEncoder().encode('Content-Type: text/plain; charset=utf-8\r\n\r\nInterop test \u00e9\r\n');
const PASSWORD = 'interop-pw';

let pki: TestPki;
let alice: IssuedCert; // RSA-2048
let bob: IssuedCert; // P-256
let carol: IssuedCert; // RSA-2048, known to NSS by certificate only
let nss: NssDb;
let gpg: GpgsmHome;

beforeAll(() => {
  pki = createTestPki('sealpost-interop-');
  alice = pki.issue({ name: 'alice', email: 'alice@example.org', key: 'rsa-2048' });
  bob = pki.issue({ name: 'bob', email: 'bob@example.org', key: 'p256' });
  carol = pki.issue({ name: 'carol', email: 'carol@example.org', key: 'rsa-2048' });

  nss = createNssDb();
  nssTrustCa(nss, pki.root.certPath, 'root');
  nssImportPkcs12(nss, pki.pkcs12(alice, PASSWORD, { friendlyName: 'alice' }), PASSWORD);
  nssImportPkcs12(nss, pki.pkcs12(bob, PASSWORD, { friendlyName: 'bob' }), PASSWORD);
  nssImportCertificate(nss, carol.certPath, 'carol');

  gpg = createGpgsmHome([pki.root.certPath]);
  // GnuPG 2.2 reads only the legacy PBEs (see gpgsm-tool.ts); the legacy file is written beside the other.
  gpgsmImportPkcs12(gpg, pki.pkcs12(alice, PASSWORD, { legacy: true }), PASSWORD);
  gpgsmImport(gpg, bob.certPath);
});

afterAll(() => {
  const home = gpg?.dir;
  gpg?.cleanup();
  nss?.cleanup();
  pki?.cleanup();
  if (home) expect(gpgAgentPids(home)).toEqual([]);
});

/** What `openssl cms -cmsout -print` shows of a ContentInfo, reduced to the fields that decide interop. */
function describeCms(der: Uint8Array) {
  const text = openssl(['cms', '-cmsout', '-print', '-inform', 'DER'], der).toString();
  const algorithm = (field: string) => new RegExp(`${field}: *\\n *algorithm: (\\S+)`).exec(text)?.[1] ?? null;
  const signedAttrs = /signedAttrs:([\s\S]*?)\n {8}signatureAlgorithm/.exec(text)?.[1] ?? '';
  return {
    // 30 80: constructed, indefinite length (BER); DER always has a definite length.
    encoding: der[1] === 0x80 ? 'BER indefinite' : 'definite',
    contentType: /contentType: (\S+)/.exec(text)?.[1],
    recipientKind: /d\.(ktri|kari|kekri|pwri)/.exec(text)?.[1] ?? null,
    identifier: /d\.(issuerAndSerialNumber|subjectKeyIdentifier|rKeyId)/.exec(text)?.[1] ?? null,
    digest: algorithm('digestAlgorithm'),
    signature: algorithm('signatureAlgorithm'),
    signedAttributes: [...signedAttrs.matchAll(/object: (.+?) \(([\d.]+)\)/g)].map((m) => (m[1] === 'undefined' ? m[2] : m[1])),
    detached: /eContent: <ABSENT>/.test(text),
    certificates: (text.match(/d\.certificate:/g) ?? []).length,
    keyTransport: algorithm('keyEncryptionAlgorithm'),
    contentCipher: algorithm('contentEncryptionAlgorithm'),
  };
}

const file = (name: string, bytes: Uint8Array) => {
  const target = pki.file(name);
  openssl(['base64', '-d', '-out', target], Buffer.from(bytes).toString('base64') + '\n');
  return target;
};
const opensslVerify = (cms: Uint8Array, detachedContent?: Uint8Array) =>
  new Uint8Array(openssl(['cms', '-verify', '-binary', '-inform', 'DER', '-CAfile', pki.root.certPath, ...(detachedContent ? ['-content', file('content.bin', detachedContent)] : [])], cms));
const opensslDecrypt = (cms: Uint8Array, user: IssuedCert) => new Uint8Array(openssl(['cms', '-decrypt', '-binary', '-inform', 'DER', '-recip', user.certPath, '-inkey', user.keyPath], cms));
const opensslSign = (user: IssuedCert, extra: string[] = []) =>
  new Uint8Array(openssl(['cms', '-sign', '-binary', '-outform', 'DER', '-signer', user.certPath, '-inkey', user.keyPath, ...extra], CONTENT));
/** OpenSSL's default content cipher (3DES) unless one is named; -keyopt belongs after its -recip. */
const opensslEncrypt = (user: IssuedCert, { cipher, oaep = false }: { cipher?: string; oaep?: boolean } = {}) =>
  new Uint8Array(openssl(['cms', '-encrypt', '-binary', '-outform', 'DER', ...(cipher ? [`-${cipher}`] : []), '-recip', user.certPath, ...(oaep ? ['-keyopt', 'rsa_padding_mode:oaep'] : [])], CONTENT));
const tampered = () => CONTENT.map((byte, i) => (i === CONTENT.length - 3 ? byte ^ 1 : byte));

describe('NSS cmsutil', () => {
  it('signs (opaque and detached) what OpenSSL verifies; BER, SHA-256, issuerAndSerialNumber, no signingTime', () => {
    const opaque = nssSign(nss, 'alice', CONTENT, { detached: false });
    expect(opensslVerify(opaque)).toEqual(CONTENT);
    const detached = nssSign(nss, 'alice', CONTENT, { detached: true });
    expect(opensslVerify(detached, CONTENT)).toEqual(CONTENT);
    expect(describeCms(detached)).toMatchObject({
      encoding: 'BER indefinite',
      contentType: 'pkcs7-signedData',
      identifier: 'issuerAndSerialNumber',
      digest: 'sha256',
      signature: 'rsaEncryption',
      // Microsoft's and the S/MIME encryption-key preference, both naming the signer's certificate.
      signedAttributes: ['contentType', 'messageDigest', '1.3.6.1.4.1.311.16.4', 'id-smime-aa-encrypKeyPref'],
      detached: true,
      // The signer's certificate twice: once as its chain (the root left out), once for the key preference.
      certificates: 2,
    });
    expect(describeCms(opaque).detached).toBe(false);
  });

  it('signs with P-256 (ecdsa-with-SHA256) what OpenSSL verifies', () => {
    const signed = nssSign(nss, 'bob', CONTENT, { detached: true });
    expect(opensslVerify(signed, CONTENT)).toEqual(CONTENT);
    expect(describeCms(signed)).toMatchObject({ digest: 'sha256', signature: 'ecdsa-with-SHA256' });
  });

  it('verifies what OpenSSL signed, and reports a digest mismatch on changed content', () => {
    const detached = opensslSign(alice);
    expect(nssVerify(nss, detached, CONTENT)).toMatchObject({ ok: true, signers: [{ id: 'alice', status: 'GoodSignature' }] });
    expect(nssVerify(nss, detached, tampered())).toMatchObject({ ok: false, signers: [{ status: 'DigestMismatch' }] });
    const opaque = opensslSign(alice, ['-nodetach']);
    expect(nssVerify(nss, opaque)).toMatchObject({ ok: true, content: CONTENT });
    expect(nssVerify(nss, opensslSign(alice, ['-keyopt', 'rsa_padding_mode:pss']), CONTENT).ok).toBe(true);
  });

  it('encrypts what OpenSSL decrypts: AES-128-CBC, RSA PKCS#1 v1.5, issuerAndSerialNumber', () => {
    // Recipients by email or by nickname.
    const enveloped = nssEncrypt(nss, ['alice@example.org', 'carol'], CONTENT);
    expect(opensslDecrypt(enveloped, alice)).toEqual(CONTENT);
    expect(opensslDecrypt(enveloped, carol)).toEqual(CONTENT);
    expect(describeCms(enveloped)).toMatchObject({
      encoding: 'BER indefinite',
      contentType: 'pkcs7-envelopedData',
      recipientKind: 'ktri',
      identifier: 'issuerAndSerialNumber',
      keyTransport: 'rsaEncryption',
      contentCipher: 'aes-128-cbc',
    });
  });

  it('decrypts OpenSSL 3DES and AES-CBC; not RSA-OAEP, AES-GCM (AuthEnvelopedData) or ECDH, and cannot encrypt to P-256', () => {
    expect(nssDecrypt(nss, opensslEncrypt(alice))).toEqual(CONTENT);
    expect(nssDecrypt(nss, opensslEncrypt(alice, { cipher: 'aes-256-cbc' }))).toEqual(CONTENT);
    expect(() => nssDecrypt(nss, opensslEncrypt(alice, { cipher: 'aes-256-cbc', oaep: true }))).toThrow(/SEC_ERROR_UNSUPPORTED_KEYALG/);
    expect(() => nssDecrypt(nss, opensslEncrypt(alice, { cipher: 'aes-256-gcm' }))).toThrow(/SEC_ERROR_UNRECOGNIZED_OID/);
    expect(() => nssDecrypt(nss, opensslEncrypt(bob, { cipher: 'aes-128-cbc' }))).toThrow(/SEC_ERROR_BAD_DER/);
    expect(() => nssEncrypt(nss, ['bob@example.org'], CONTENT)).toThrow(/SEC_ERROR_INVALID_ALGORITHM/);
  });
});

describe('GnuPG gpgsm', () => {
  it('signs detached and opaque what OpenSSL verifies; signingTime and SMIMECapabilities, chain without the root', () => {
    const detached = gpgsmSign(gpg, 'alice@example.org', CONTENT, { detached: true });
    expect(opensslVerify(detached, CONTENT)).toEqual(CONTENT);
    expect(describeCms(detached)).toMatchObject({
      encoding: 'BER indefinite',
      identifier: 'issuerAndSerialNumber',
      digest: 'sha256',
      signature: 'rsaEncryption',
      signedAttributes: ['contentType', 'signingTime', 'S/MIME Capabilities', 'messageDigest'],
      detached: true,
      certificates: 1,
    });
    const opaque = gpgsmSign(gpg, 'alice@example.org', CONTENT, { detached: false });
    expect(opensslVerify(opaque)).toEqual(CONTENT);
  });

  it('verifies what OpenSSL signed (RSA and P-256), and fails on changed content', () => {
    expect(gpgsmVerify(gpg, opensslSign(alice), CONTENT)).toMatchObject({ ok: true, content: CONTENT });
    expect(gpgsmVerify(gpg, opensslSign(alice, ['-nodetach']))).toMatchObject({ ok: true, content: CONTENT });
    expect(gpgsmVerify(gpg, opensslSign(bob), CONTENT).ok).toBe(true);
    // RSA-PSS with OpenSSL's default salt (the maximum) is refused; with salt = hash length it passes.
    expect(gpgsmVerify(gpg, opensslSign(alice, ['-keyopt', 'rsa_padding_mode:pss']), CONTENT).ok).toBe(false);
    expect(gpgsmVerify(gpg, opensslSign(alice, ['-keyopt', 'rsa_padding_mode:pss', '-keyopt', 'rsa_pss_saltlen:32']), CONTENT).ok).toBe(true);
    const bad = gpgsmVerify(gpg, opensslSign(alice), tampered());
    expect(bad.ok).toBe(false);
    expect(bad.status.some((line) => line.startsWith('BADSIG'))).toBe(true);
  });

  it('encrypts what OpenSSL decrypts: AES-128-CBC, RSA PKCS#1 v1.5, issuerAndSerialNumber; refuses a P-256 recipient', () => {
    const enveloped = gpgsmEncrypt(gpg, ['alice@example.org'], CONTENT);
    expect(opensslDecrypt(enveloped, alice)).toEqual(CONTENT);
    expect(describeCms(enveloped)).toMatchObject({
      encoding: 'BER indefinite',
      recipientKind: 'ktri',
      identifier: 'issuerAndSerialNumber',
      keyTransport: 'rsaEncryption',
      contentCipher: 'aes-128-cbc',
    });
    expect(() => gpgsmEncrypt(gpg, ['bob@example.org'], CONTENT)).toThrow(/Wrong key usage/);
  });

  it('decrypts what OpenSSL encrypted with 3DES and AES-CBC; not RSA-OAEP or AES-GCM', () => {
    expect(gpgsmDecrypt(gpg, opensslEncrypt(alice))).toEqual(CONTENT);
    expect(gpgsmDecrypt(gpg, opensslEncrypt(alice, { cipher: 'aes-256-cbc' }))).toEqual(CONTENT);
    expect(() => gpgsmDecrypt(gpg, opensslEncrypt(alice, { cipher: 'aes-256-cbc', oaep: true }))).toThrow(/gpgsm/);
    expect(() => gpgsmDecrypt(gpg, opensslEncrypt(alice, { cipher: 'aes-256-gcm' }))).toThrow(/gpgsm/);
  });
});
