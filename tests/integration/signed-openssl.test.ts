// SignedData against an independent implementation, the machine's OpenSSL (3.0), both ways:
// `openssl cms -sign` output checked by verifySignedData, and signData output checked by
// `openssl cms -verify`. OpenSSL 3.0 cannot sign or verify Ed25519 CMS at all ("no default digest",
// "invalid digest"), so for Ed25519 OpenSSL checks the raw signature over the signed attributes
// it located itself (pkeyutl -rawin); signed-handmade.test.ts covers the other direction.
import fs from 'node:fs';

import * as pkijs from 'pkijs';
import { afterAll, describe, expect, it } from 'vitest';

import { SmimeError } from '@/lib/smime/errors';
import { softKeyFromPkcs8 } from '@/lib/smime/keys/soft-key';
import { OID } from '@/lib/smime/oids';
import { micalg, signData, type SignOptions } from '@/lib/smime/cms/sign-data';
import { verifySignedData } from '@/lib/smime/cms/verify-signed-data';
import { createTestPki, type IssuedCert, openssl } from '@/tests/support/test-pki';

const pki = createTestPki('sealpost-signed-');
afterAll(() => pki.cleanup());

const intermediate = pki.issue({ name: 'intermediate', ca: true });
const rsa = pki.issue({ name: 'rsa', key: 'rsa-2048', email: 'rsa@example.test', issuer: intermediate });
const bob = pki.issue({ name: 'bob', key: 'rsa-2048', email: 'bob@example.test' });
const rsa1024 = pki.issue({ name: 'rsa1024', key: 'rsa-1024', email: 'old@example.test' });
const p256 = pki.issue({ name: 'p256', key: 'p256', email: 'p256@example.test' });
const p384 = pki.issue({ name: 'p384', key: 'p384', email: 'p384@example.test' });
const p521 = pki.issue({ name: 'p521', key: 'p521', email: 'p521@example.test' });
const ed = pki.issue({ name: 'ed', key: 'ed25519', email: 'ed@example.test' });

// Every signer's chain in one file, for -certfile and -CAfile use.
fs.writeFileSync(pki.file('chain.pem'), fs.readFileSync(intermediate.certPath));
fs.writeFileSync(pki.file('anchors.pem'), [pki.root, intermediate].map((c) => fs.readFileSync(c.certPath, 'utf8')).join(''));

const CRLF_TEXT = new TextEncoder().encode('Content-Type: text/plain\r\n\r\nPay Bob 10 euros.\r\n');
const LF_BINARY = new TextEncoder().encode('Content-Type: application/octet-stream\n\nline one\nline two\n\u0000\u00ff');
let counter = 0;
const write = (bytes: Uint8Array) => {
  const name = pki.file(`blob-${counter++}`);
  fs.writeFileSync(name, bytes);
  return name;
};
const read = (name: string) => new Uint8Array(fs.readFileSync(name));
const certificate = (cert: IssuedCert) => pkijs.Certificate.fromBER(new Uint8Array(cert.certDer));
const hexOf = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex');
/** The serial number as SignerIdentifier spells it: hex without DER's sign-padding zeros. */
const serialOf = (cert: IssuedCert) => hexOf(certificate(cert).serialNumber.valueBlock.valueHexView).replace(/^(00)+(?=.)/, '');

/** `openssl cms -sign` of `content`, as DER. */
function opensslSign(content: Uint8Array, signers: IssuedCert[], extra: string[] = []): Uint8Array {
  const out = pki.file(`signed-${counter++}.der`);
  const signerArgs = signers.flatMap((s) => ['-signer', s.certPath, '-inkey', s.keyPath]);
  openssl(['cms', '-sign', '-binary', '-in', write(content), ...signerArgs, '-outform', 'DER', '-out', out, ...extra]);
  return read(out);
}

async function codeOf(run: () => Promise<unknown>): Promise<string | undefined> {
  try {
    await run();
  } catch (error) {
    return error instanceof SmimeError ? error.code : 'untyped';
  }
  return undefined;
}

describe('OpenSSL signs, verifySignedData checks', () => {
  it.each([
    ['sha256', 'SHA-256', false],
    ['sha384', 'SHA-384', false],
    ['sha512', 'SHA-512', false],
    ['sha1', 'SHA-1', true],
  ] as const)('RSA PKCS#1 v1.5, detached, -md %s', async (md, digestAlgorithm, weak) => {
    const der = opensslSign(CRLF_TEXT, [rsa], ['-md', md, '-certfile', pki.file('chain.pem')]);
    const check = await verifySignedData(der, { detachedContent: CRLF_TEXT });
    expect(check.detached).toBe(true);
    expect(check.content).toBeNull();
    expect(check.eContentType).toBe(OID.data);
    expect(check.certificates).toHaveLength(2);
    const [signer] = check.signers;
    expect(signer).toMatchObject({ intact: true, algorithm: `rsa-pkcs1-${md}`, digestAlgorithm, weakAlgorithm: weak, reasons: [] });
    expect(signer!.signerIdentifier).toEqual({ issuer: 'CN=intermediate', serialNumber: serialOf(rsa) });
    expect(hexOf(signer!.signerCertificate!.subjectPublicKeyInfo.subjectPublicKey.valueBlock.valueHexView)).toBe(
      hexOf(certificate(rsa).subjectPublicKeyInfo.subjectPublicKey.valueBlock.valueHexView),
    );
    expect(Math.abs(signer!.signingTime!.getTime() - Date.now())).toBeLessThan(120_000);
    // OpenSSL's own default capabilities list starts with AES-256-CBC.
    expect(signer!.capabilities?.[0]?.oid).toBe(OID.aes256Cbc);
  });

  it('opaque (-nodetach): the content comes back, and is what was signed', async () => {
    const check = await verifySignedData(opensslSign(CRLF_TEXT, [rsa], ['-nodetach']));
    expect(check.detached).toBe(false);
    expect(check.content).toEqual(CRLF_TEXT);
    expect(check.signers[0]).toMatchObject({ intact: true, reasons: [] });
  });

  it('BER from -stream (indefinite lengths, eContent in pieces) is read', async () => {
    const big = new Uint8Array(100_000).map((_, i) => 65 + (i % 26));
    const der = opensslSign(big, [p256], ['-nodetach', '-stream']);
    expect(der[1]).toBe(0x80);
    const check = await verifySignedData(der);
    expect(check.content).toEqual(big);
    expect(check.signers[0]).toMatchObject({ intact: true });
  });

  it.each([
    ['default salt', []],
    ['rsa_pss_saltlen:max', ['-keyopt', 'rsa_pss_saltlen:max']],
    ['rsa_pss_saltlen:digest', ['-keyopt', 'rsa_pss_saltlen:digest']],
  ])('RSA-PSS (%s)', async (_, keyopt) => {
    const der = opensslSign(CRLF_TEXT, [rsa], ['-md', 'sha256', '-keyopt', 'rsa_padding_mode:pss', ...keyopt, '-certfile', pki.file('chain.pem')]);
    const check = await verifySignedData(der, { detachedContent: CRLF_TEXT });
    expect(check.signers[0]).toMatchObject({ intact: true, algorithm: 'rsa-pss-sha256', reasons: [] });
    const tampered = await verifySignedData(der, { detachedContent: CRLF_TEXT.slice(1) });
    expect(tampered.signers[0]!.intact).toBe(false);
  });

  it.each([
    ['p256', 'sha256', 'ecdsa-p256-sha256'],
    ['p384', 'sha384', 'ecdsa-p384-sha384'],
    ['p521', 'sha512', 'ecdsa-p521-sha512'],
    ['p256', 'sha1', 'ecdsa-p256-sha1'],
  ] as const)('ECDSA %s with %s', async (name, md, algorithm) => {
    const der = opensslSign(CRLF_TEXT, [{ p256, p384, p521 }[name]], ['-md', md]);
    const check = await verifySignedData(der, { detachedContent: CRLF_TEXT });
    expect(check.signers[0]).toMatchObject({ intact: true, algorithm, weakAlgorithm: md === 'sha1', reasons: [] });
  });

  it('an RSA key under 2048 bits is flagged weak but still checked', async () => {
    const check = await verifySignedData(opensslSign(CRLF_TEXT, [rsa1024]), { detachedContent: CRLF_TEXT });
    expect(check.signers[0]).toMatchObject({ intact: true, weakAlgorithm: true });
  });

  it('signer identified by subjectKeyIdentifier (-keyid)', async () => {
    const der = opensslSign(CRLF_TEXT, [p384], ['-keyid']);
    const ski = openssl(['x509', '-in', p384.certPath, '-noout', '-ext', 'subjectKeyIdentifier']).toString().split('\n')[1]!.trim().replace(/:/g, '').toLowerCase();
    const check = await verifySignedData(der, { detachedContent: CRLF_TEXT });
    expect(check.signers[0]).toMatchObject({ intact: true, signerIdentifier: { subjectKeyIdentifier: ski } });
  });

  it('-nocerts: the signer certificate from extraCertificates, else a reason', async () => {
    const der = opensslSign(CRLF_TEXT, [bob], ['-nocerts']);
    const missing = await verifySignedData(der, { detachedContent: CRLF_TEXT });
    expect(missing.certificates).toEqual([]);
    expect(missing.signers[0]).toMatchObject({ intact: false, signerCertificate: null, reasons: ["The signer's certificate is not in the message."] });
    const given = await verifySignedData(der, { detachedContent: CRLF_TEXT, extraCertificates: [certificate(p256), certificate(bob)] });
    expect(given.signers[0]).toMatchObject({ intact: true, reasons: [] });
    expect(given.certificates).toEqual([]);
  });

  it('the signer certificate twice (smime -sign -certfile with the signer) is listed once', async () => {
    // `openssl cms` refuses the duplicate ("certificate already present"); the PKCS#7 API keeps it.
    const out = pki.file('twice.der');
    openssl(['smime', '-sign', '-binary', '-in', write(CRLF_TEXT), '-signer', bob.certPath, '-inkey', bob.keyPath, '-certfile', bob.certPath, '-outform', 'DER', '-out', out]);
    expect(openssl(['cms', '-cmsout', '-print', '-inform', 'DER', '-in', out]).toString().match(/d\.certificate:/g)).toHaveLength(2);
    const check = await verifySignedData(read(out), { detachedContent: CRLF_TEXT });
    expect(check.certificates).toHaveLength(1);
    expect(check.signers[0]!.intact).toBe(true);
  });

  it('two signers, one with a damaged signature: one verdict each', async () => {
    const der = opensslSign(CRLF_TEXT, [rsa, bob], ['-certfile', pki.file('chain.pem')]);
    // Flip a byte inside Bob's signature (the last OCTET STRING of the second SignerInfo).
    const parsed = openssl(['asn1parse', '-inform', 'DER', '-in', write(der)]).toString().trim().split('\n');
    const lastOctets = parsed.filter((l) => /d=5 .*prim: OCTET STRING/.test(l)).pop()!;
    const [, offset, header] = /^\s*(\d+):d=5\s+hl=(\d+)/.exec(lastOctets)!;
    const damaged = der.slice();
    damaged[Number(offset) + Number(header) + 10]! ^= 0x01;
    const check = await verifySignedData(damaged, { detachedContent: CRLF_TEXT });
    expect(check.signers.map((s) => s.intact)).toEqual([true, false]);
    expect(check.signers[1]!.reasons).toEqual(["The signature is not valid for the signer's certificate."]);
    expect((check.signers[1]!.signerIdentifier as { issuer: string }).issuer).toBe('O=Sealpost Tests,CN=Test Root CA');
  });

  it('-noattr: the signature over the content itself', async () => {
    const der = opensslSign(CRLF_TEXT, [rsa], ['-noattr']);
    const check = await verifySignedData(der, { detachedContent: CRLF_TEXT });
    expect(check.signers[0]).toMatchObject({ intact: true, signingTime: null, capabilities: null });
    const tampered = await verifySignedData(der, { detachedContent: LF_BINARY });
    expect(tampered.signers[0]).toMatchObject({ intact: false, reasons: ['The message was changed after it was signed, or the signature is not valid.'] });
  });

  it('-binary content with LF line ends verifies byte for byte; one changed byte does not', async () => {
    const der = opensslSign(LF_BINARY, [p256]);
    expect((await verifySignedData(der, { detachedContent: LF_BINARY })).signers[0]!.intact).toBe(true);
    const changed = LF_BINARY.slice();
    changed[changed.length - 3] = 0x21;
    const check = await verifySignedData(der, { detachedContent: changed });
    expect(check.signers[0]).toMatchObject({ intact: false, reasons: ['The message was changed after it was signed.'] });
    // The same text with CRLF is other bytes, so not what was signed.
    const crlf = new TextEncoder().encode(new TextDecoder().decode(LF_BINARY).replace(/\n/g, '\r\n'));
    expect((await verifySignedData(der, { detachedContent: crlf })).signers[0]!.intact).toBe(false);
  });

  it('a signature over other content is not intact', async () => {
    const der = opensslSign(new TextEncoder().encode('Pay Bob 10 euros.'), [rsa]);
    const check = await verifySignedData(der, { detachedContent: new TextEncoder().encode('Pay Mallory 10000 euros.') });
    expect(check.signers[0]!.intact).toBe(false);
  });

  it('C1: opaque SignedData given with detached content is refused (conflicting use)', async () => {
    const opaque = opensslSign(new TextEncoder().encode('Pay Bob 10'), [rsa], ['-nodetach']);
    expect(await codeOf(() => verifySignedData(opaque, { detachedContent: new TextEncoder().encode('Pay Mallory 10000') }))).toBe('malformed-cms');
  });

  it('detached SignedData with no content given is refused', async () => {
    expect(await codeOf(() => verifySignedData(opensslSign(CRLF_TEXT, [rsa])))).toBe('malformed-cms');
  });

  it('a certs-only bundle (crl2pkcs7 -nocrl) has no signers and lists its certificates', async () => {
    const out = pki.file('certs-only.p7c');
    openssl(['crl2pkcs7', '-nocrl', '-certfile', pki.file('anchors.pem'), '-outform', 'DER', '-out', out]);
    const check = await verifySignedData(read(out));
    expect(check.signers).toEqual([]);
    expect(check.certificates.map((c) => c.subject.typesAndValues[0]!.value.valueBlock.value)).toEqual(['Test Root CA', 'intermediate']);
  });

  it('CRLs carried in a certs-only bundle are returned as DER', async () => {
    const crl = pki.crl(pki.root);
    const out = pki.file('with-crl.p7c');
    openssl(['crl2pkcs7', '-inform', 'DER', '-in', write(crl), '-certfile', pki.root.certPath, '-outform', 'DER', '-out', out]);
    const check = await verifySignedData(read(out));
    expect(check.crls).toEqual([crl]);
    expect(check.certificates).toHaveLength(1);
    expect(check.signers).toEqual([]);
  });

  it('non-SignedData and garbage are coded errors', async () => {
    const enveloped = pki.file('env.der');
    openssl(['cms', '-encrypt', '-aes-128-cbc', '-in', write(CRLF_TEXT), '-outform', 'DER', '-out', enveloped, bob.certPath]);
    expect(await codeOf(() => verifySignedData(read(enveloped)))).toBe('malformed-cms');
    expect(await codeOf(() => verifySignedData(new Uint8Array([0x30, 0x03, 1, 2, 3])))).toBe('malformed-asn1');
    expect(await codeOf(() => verifySignedData(CRLF_TEXT, { detachedContents: CRLF_TEXT } as never))).toBe('invalid-argument');
  });
});

describe('signData output, checked by OpenSSL', () => {
  const identity = (cert: IssuedCert, chain: IssuedCert[] = []) => ({
    certificate: certificate(cert),
    key: softKeyFromPkcs8(cert.keyPkcs8),
    chain: chain.map(certificate),
  });

  /** `openssl cms -verify` to the test root; returns the content OpenSSL says was signed. */
  function opensslVerify(der: Uint8Array, detachedContent?: Uint8Array): Uint8Array {
    const out = pki.file(`verified-${counter++}`);
    const content = detachedContent ? ['-content', write(detachedContent)] : [];
    openssl(['cms', '-verify', '-binary', '-inform', 'DER', '-in', write(der), ...content, '-CAfile', pki.root.certPath, '-out', out]);
    return read(out);
  }

  it.each([
    ['RSA PKCS#1 v1.5 SHA-256', rsa, {}],
    ['RSA PKCS#1 v1.5 SHA-384', rsa, { hash: 'SHA-384' }],
    ['RSA PKCS#1 v1.5 SHA-512', rsa, { hash: 'SHA-512' }],
    ['RSA-PSS SHA-256', rsa, { rsaPss: true }],
    ['RSA-PSS SHA-512', rsa, { rsaPss: true, hash: 'SHA-512' }],
    ['ECDSA P-256', p256, {}],
    ['ECDSA P-384 SHA-384', p384, { hash: 'SHA-384' }],
    ['ECDSA P-521 SHA-512', p521, { hash: 'SHA-512' }],
  ] as const)('%s, detached and opaque', async (_, signer: IssuedCert, extra: Partial<SignOptions>) => {
    const id = identity(signer, signer === rsa ? [intermediate, pki.root] : []);
    const detached = await signData(LF_BINARY, id, { detached: true, ...extra });
    expect(opensslVerify(detached, LF_BINARY)).toEqual(LF_BINARY);
    const opaque = await signData(CRLF_TEXT, id, { detached: false, ...extra });
    expect(opensslVerify(opaque)).toEqual(CRLF_TEXT);
    // Our own reader agrees, and OpenSSL refuses other content.
    expect((await verifySignedData(detached, { detachedContent: LF_BINARY })).signers[0]).toMatchObject({ intact: true, reasons: [] });
    expect(() => opensslVerify(detached, CRLF_TEXT)).toThrow();
  });

  it('carries the signer and its chain, never the root', async () => {
    const der = await signData(CRLF_TEXT, identity(rsa, [intermediate, pki.root, intermediate]), { detached: true });
    const check = await verifySignedData(der, { detachedContent: CRLF_TEXT });
    expect(check.certificates.map((c) => c.subject.typesAndValues[0]!.value.valueBlock.value)).toEqual(['rsa', 'intermediate']);
  });

  it('OpenSSL shows our signed attributes', async () => {
    const signingTime = new Date('2031-02-03T04:05:06Z');
    const der = await signData(CRLF_TEXT, identity(bob), { detached: true, signingTime, encryptionCertificate: certificate(rsa) });
    const printed = openssl(['cms', '-cmsout', '-print', '-inform', 'DER', '-in', write(der)]).toString();
    for (const name of ['contentType', 'signingTime', 'messageDigest', 'S/MIME Capabilities', 'id-smime-aa-encrypKeyPref', 'id-smime-aa-signingCertificateV2', '1.3.6.1.4.1.311.16.4']) {
      expect(printed).toContain(name);
    }
    expect(printed).toContain('UTCTIME:Feb  3 04:05:06 2031 GMT');
    expect(printed).toContain('aes-256-gcm');
    const check = await verifySignedData(der, { detachedContent: CRLF_TEXT });
    expect(check.signers[0]).toMatchObject({ intact: true, signingTime, encryptionKeyPreference: { issuer: 'CN=intermediate', serialNumber: serialOf(rsa) } });
    expect(check.signers[0]!.capabilities!.map((c) => c.oid)).toEqual([OID.aes256Gcm, OID.aes128Gcm, OID.aes256Cbc, OID.aes192Cbc, OID.aes128Cbc, OID.rsaesOaep]);
    // The preferred certificate is named, not carried: found only where the caller has it.
    expect(check.signers[0]!.encryptionCertificate).toBeNull();
    const withBook = await verifySignedData(der, { detachedContent: CRLF_TEXT, extraCertificates: [certificate(bob), certificate(rsa)] });
    expect(withBook.signers[0]!.encryptionCertificate?.serialNumber.valueBlock.valueHexView).toEqual(certificate(rsa).serialNumber.valueBlock.valueHexView);
  });

  it('Ed25519: OpenSSL finds a valid Ed25519 signature over the signed attributes, with SHA-512 messageDigest', async () => {
    const der = await signData(CRLF_TEXT, identity(ed), { detached: true, hash: 'SHA-256' });
    const file = write(der);
    const lines = openssl(['asn1parse', '-inform', 'DER', '-in', file]).toString().trim().split('\n');
    const at = (pattern: RegExp) => {
      const [, offset, header, length] = /^\s*(\d+):d=\d+\s+hl=(\d+)\s+l=\s*(\d+)/.exec(lines.find((l) => pattern.test(l))!)!;
      return { start: Number(offset), header: Number(header), length: Number(length) };
    };
    const attrs = at(/d=5 .*cons: cont \[ 0 \]/);
    const signedAttributes = der.slice(attrs.start, attrs.start + attrs.header + attrs.length);
    signedAttributes[0] = 0x31;
    const signature = at(/d=5 .*prim: OCTET STRING/);
    const sigFile = write(der.slice(signature.start + signature.header, signature.start + signature.header + signature.length));
    const pub = pki.file('ed.pub');
    openssl(['pkey', '-in', ed.keyPath, '-pubout', '-out', pub]);
    const result = openssl(['pkeyutl', '-verify', '-pubin', '-inkey', pub, '-rawin', '-in', write(signedAttributes), '-sigfile', sigFile]).toString();
    expect(result).toContain('Signature Verified Successfully');
    const printed = openssl(['cms', '-cmsout', '-print', '-inform', 'DER', '-in', file]).toString();
    expect(printed).toMatch(/digestAlgorithm:\s+algorithm: sha512/);
    expect(printed).toMatch(/signatureAlgorithm:\s+algorithm: ED25519/);
    const sha512 = openssl(['dgst', '-sha512', '-binary', write(CRLF_TEXT)]);
    expect(Buffer.from(der).includes(sha512)).toBe(true);
    expect((await verifySignedData(der, { detachedContent: CRLF_TEXT })).signers[0]).toMatchObject({ intact: true, algorithm: 'ed25519', digestAlgorithm: 'SHA-512' });
  });

  it('micalg names', () => {
    expect(['SHA-1', 'SHA-256', 'SHA-384', 'SHA-512'].map((h) => micalg(h as 'SHA-1'))).toEqual(['sha-1', 'sha-256', 'sha-384', 'sha-512']);
  });

  it('refuses a key that is not the certificate\'s and unknown options', async () => {
    expect(await codeOf(() => signData(CRLF_TEXT, { certificate: certificate(rsa), key: softKeyFromPkcs8(p256.keyPkcs8) }, { detached: true }))).toBe('invalid-argument');
    expect(await codeOf(() => signData(CRLF_TEXT, identity(rsa), { detached: true, digest: 'SHA-256' } as never))).toBe('invalid-argument');
  });
});
