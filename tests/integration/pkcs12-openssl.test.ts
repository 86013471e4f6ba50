import { execFileSync } from 'node:child_process';
import fs from 'node:fs';

import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { afterAll, describe, expect, it } from 'vitest';

import { parseAs } from '@/lib/smime/asn1/parse-der';
import { isSmimeError } from '@/lib/smime/errors';
import type { SignatureScheme } from '@/lib/smime/keys/key-operations';
import { identitiesFromPkcs12, readPkcs12 } from '@/lib/smime/pkcs12/read-pkcs12';
import { writePkcs12 } from '@/lib/smime/pkcs12/write-pkcs12';
import { createTestPki, type IssuedCert, openssl } from '@/tests/support/test-pki';

// PKCS#12 files from an independent implementation (the machine's OpenSSL 3, in its default,
// legacy and Windows-like modes) read by readPkcs12, and writePkcs12's files read by OpenSSL and
// NSS. Keys and certificates are made at test time by tests/support/test-pki.ts.
const pki = createTestPki('sealpost-p12-');
afterAll(() => pki.cleanup());

const intermediate = pki.issue({ name: 'intermediate', ca: true });
const alice = pki.issue({ name: 'alice', email: 'alice@example.test', issuer: intermediate });
const erin = pki.issue({ name: 'erin', key: 'p256', email: 'erin@example.test' });
const eddie = pki.issue({ name: 'eddie', key: 'ed25519', email: 'eddie@example.test' });
const PASSWORD = 'correct horse';

const certificateOf = (cert: IssuedCert) => parseAs(cert.certDer, 'certificate', (schema) => new pkijs.Certificate({ schema }));
const hexOf = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex');
const read = (file: string, password = PASSWORD) => readPkcs12(fs.readFileSync(file), password);

/** `openssl pkcs12 -export` of a test certificate with its key and any extra options. */
function exportP12(cert: IssuedCert, name: string, password: string, extra: string[], chain: IssuedCert[] = []): string {
  const out = pki.file(`${name}.p12`);
  const chainFile = pki.file(`${name}-chain.pem`);
  fs.writeFileSync(chainFile, chain.map((c) => fs.readFileSync(c.certPath, 'utf8')).join(''));
  openssl(['pkcs12', '-export', '-inkey', cert.keyPath, '-in', cert.certPath, '-passout', `pass:${password}`, '-out', out, ...(chain.length ? ['-certfile', chainFile] : []), ...extra]);
  return out;
}

/** DER tag-length-value with the given content pieces. */
function tlv(tag: number, ...pieces: Uint8Array[]): Uint8Array {
  const content = Buffer.concat(pieces);
  const length = content.length < 0x80 ? [content.length] : content.length < 0x100 ? [0x81, content.length] : [0x82, content.length >> 8, content.length & 0xff];
  return new Uint8Array(Buffer.concat([Uint8Array.of(tag, ...length), content]));
}

async function errorCode(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    return isSmimeError(error) ? error.code : `untyped: ${(error as Error).message}`;
  }
  return 'no error';
}

/** Signs with the imported soft key and has OpenSSL verify with the certificate's public key. */
async function expectOpenSslVerifies(p12: Awaited<ReturnType<typeof readPkcs12>>, cert: IssuedCert) {
  const [identity] = identitiesFromPkcs12(p12);
  const data = new TextEncoder().encode(`signed by the key imported for ${cert.name}`);
  const scheme: SignatureScheme = cert.keyType === 'ed25519' ? { scheme: 'ed25519' } : cert.keyType === 'p256' ? { scheme: 'ecdsa', hash: 'SHA-256' } : { scheme: 'rsa-pkcs1', hash: 'SHA-256' };
  const signature = await identity!.key.sign!(data, scheme);
  fs.writeFileSync(pki.file('data.bin'), data);
  fs.writeFileSync(pki.file('sig.bin'), signature);
  openssl(['x509', '-in', cert.certPath, '-pubkey', '-noout', '-out', pki.file('pub.pem')]);
  const verify = cert.keyType === 'ed25519'
    ? ['pkeyutl', '-verify', '-pubin', '-inkey', pki.file('pub.pem'), '-rawin', '-in', pki.file('data.bin'), '-sigfile', pki.file('sig.bin')]
    : ['dgst', '-sha256', '-verify', pki.file('pub.pem'), '-signature', pki.file('sig.bin'), pki.file('data.bin')];
  expect(openssl(verify).toString()).toMatch(/Verified OK|Signature Verified Successfully/);
}

describe('readPkcs12 on OpenSSL 3 exports', () => {
  it('reads the default export (PBES2 AES-256, MAC SHA-256) with a chain and a friendly name', async () => {
    const p12 = await read(exportP12(alice, 'alice-default', PASSWORD, ['-name', 'Alice Ünïcode'], [intermediate, pki.root]));
    expect(p12.algorithms).toEqual({
      mac: 'hmac-sha256',
      macIterations: 2048,
      keyEncryption: ['pbes2-pbkdf2-hmac-sha256-aes-256-cbc'],
      certificateEncryption: ['pbes2-pbkdf2-hmac-sha256-aes-256-cbc'],
      iterations: [2048],
    });
    expect(p12.keys).toHaveLength(1);
    const [key] = p12.keys;
    expect(key!.description).toEqual({ kind: 'rsa', modulusBits: 2048 });
    expect(key!.pkcs8).toEqual(alice.keyPkcs8);
    expect(key!.friendlyName).toBe('Alice Ünïcode');
    expect(key!.localKeyId).toMatch(/^[0-9a-f]{40}$/);
    expect(hexOf(new Uint8Array(key!.certificate!.toSchema().toBER()))).toBe(hexOf(alice.certDer));
    expect(p12.certificates.map((c) => hexOf(c.der)).sort()).toEqual([alice, intermediate, pki.root].map((c) => hexOf(c.certDer)).sort());

    const [identity, ...others] = identitiesFromPkcs12(p12);
    expect(others).toHaveLength(0);
    expect(identity!.chain!.map((c) => hexOf(new Uint8Array(c.toSchema().toBER())))).toEqual([hexOf(intermediate.certDer)]);
    await expectOpenSslVerifies(p12, alice);
  });

  it('reads -legacy (RC2-40 certificates, 3DES key, MAC SHA-1) through the test PKI helper', async () => {
    const p12 = await read(pki.pkcs12(alice, PASSWORD, { legacy: true, chain: [intermediate], friendlyName: 'alice legacy' }));
    expect(p12.algorithms).toMatchObject({ mac: 'hmac-sha1', keyEncryption: ['pbe-sha1-3des'], certificateEncryption: ['pbe-sha1-rc2-40'] });
    expect(p12.keys[0]!.pkcs8).toEqual(alice.keyPkcs8);
    expect(p12.keys[0]!.friendlyName).toBe('alice legacy');
    expect(identitiesFromPkcs12(p12)[0]!.chain).toHaveLength(1);
    await expectOpenSslVerifies(p12, alice);
  });

  it('reads the Windows style (-keypbe PBE-SHA1-3DES -certpbe PBE-SHA1-RC2-40 -macalg sha1)', async () => {
    const file = exportP12(alice, 'alice-windows', PASSWORD, ['-legacy', '-keypbe', 'PBE-SHA1-3DES', '-certpbe', 'PBE-SHA1-RC2-40', '-macalg', 'sha1']);
    const p12 = await read(file);
    expect(p12.algorithms).toMatchObject({ mac: 'hmac-sha1', keyEncryption: ['pbe-sha1-3des'], certificateEncryption: ['pbe-sha1-rc2-40'] });
    expect(p12.keys[0]!.certificate).not.toBeNull();
  });

  it('reads RC2-128 certificates, unencrypted certificates, an unencrypted key bag and a file without MAC', async () => {
    const rc2 = await read(exportP12(alice, 'alice-rc2-128', PASSWORD, ['-legacy', '-certpbe', 'PBE-SHA1-RC2-128']));
    expect(rc2.algorithms.certificateEncryption).toEqual(['pbe-sha1-rc2-128']);
    const plainCerts = await read(exportP12(alice, 'alice-plain-certs', PASSWORD, ['-certpbe', 'NONE']));
    expect(plainCerts.algorithms.certificateEncryption).toEqual(['none']);
    expect(plainCerts.keys[0]!.certificate).not.toBeNull();
    const plainKey = await read(exportP12(alice, 'alice-plain-key', PASSWORD, ['-keypbe', 'NONE', '-certpbe', 'NONE']));
    expect(plainKey.algorithms.keyEncryption).toEqual(['none']);
    expect(plainKey.keys[0]!.pkcs8).toEqual(alice.keyPkcs8);
    const noMac = await read(exportP12(alice, 'alice-nomac', PASSWORD, ['-nomac']));
    expect(noMac.algorithms).toMatchObject({ mac: null, macIterations: null });
    expect(noMac.keys[0]!.pkcs8).toEqual(alice.keyPkcs8);
  });

  it('reads PBES2 with DES-EDE3, AES-128 and AES-192, and MACs with SHA-384 and SHA-512', async () => {
    const first = await read(exportP12(alice, 'alice-pbes2-3des', PASSWORD, ['-keypbe', 'des-ede3-cbc', '-certpbe', 'aes-128-cbc', '-macalg', 'sha512']));
    expect(first.algorithms).toMatchObject({ mac: 'hmac-sha512', keyEncryption: ['pbes2-pbkdf2-hmac-sha256-des-ede3-cbc'], certificateEncryption: ['pbes2-pbkdf2-hmac-sha256-aes-128-cbc'] });
    expect(first.keys[0]!.pkcs8).toEqual(alice.keyPkcs8);
    const second = await read(exportP12(alice, 'alice-pbes2-aes192', PASSWORD, ['-keypbe', 'aes-192-cbc', '-certpbe', 'aes-256-cbc', '-macalg', 'sha384']));
    expect(second.algorithms).toMatchObject({ mac: 'hmac-sha384', keyEncryption: ['pbes2-pbkdf2-hmac-sha256-aes-192-cbc'] });
    expect(second.keys[0]!.certificate).not.toBeNull();
  });

  it('reads EC P-256 and Ed25519 keys, whose soft keys sign what OpenSSL verifies', async () => {
    const ec = await read(exportP12(erin, 'erin', PASSWORD, []));
    expect(ec.keys[0]!.description).toEqual({ kind: 'ec', curve: 'P-256' });
    await expectOpenSslVerifies(ec, erin);
    const ed = await read(exportP12(eddie, 'eddie', PASSWORD, []));
    expect(ed.keys[0]!.description).toEqual({ kind: 'ed25519' });
    await expectOpenSslVerifies(ed, eddie);
  });

  it('matches keys and certificates by public key when there is no localKeyId', async () => {
    // OpenSSL always links them, so this file is made by hand: plain key bags and certificate bags
    // without attributes, in different orders, and no MAC.
    const oid = (value: string) => new asn1js.ObjectIdentifier({ value });
    const explicit = (value: asn1js.AsnType) => new asn1js.Constructed({ idBlock: { tagClass: 3, tagNumber: 0 }, value: [value] });
    const bag = (type: string, der: Uint8Array) => new asn1js.Sequence({ value: [oid(type), explicit(asn1js.fromBER(der.slice().buffer).result)] });
    const certBag = (der: Uint8Array) => new asn1js.Sequence({ value: [oid('1.2.840.113549.1.9.22.1'), explicit(new asn1js.OctetString({ valueHex: der }))] });
    const safeContents = new asn1js.Sequence({
      value: [
        ...[alice, erin, eddie].map((c) => bag('1.2.840.113549.1.12.10.1.1', c.keyPkcs8)),
        ...[eddie, alice, erin].map((c) => bag('1.2.840.113549.1.12.10.1.3', new Uint8Array(certBag(c.certDer).toBER()))),
      ],
    });
    const data = (content: asn1js.AsnType) => new asn1js.Sequence({ value: [oid('1.2.840.113549.1.7.1'), explicit(new asn1js.OctetString({ valueHex: content.toBER() }))] });
    const pfx = new asn1js.Sequence({ value: [new asn1js.Integer({ value: 3 }), data(new asn1js.Sequence({ value: [data(safeContents)] }))] });
    const file = pki.file('unlinked.p12');
    fs.writeFileSync(file, new Uint8Array(pfx.toBER()));
    // OpenSSL reads the hand-made file too.
    expect(openssl(['pkcs12', '-in', file, '-passin', 'pass:', '-nodes', '-nomacver']).toString().match(/BEGIN CERTIFICATE/g)).toHaveLength(3);

    const p12 = await read(file, '');
    expect(p12.algorithms).toMatchObject({ mac: null, keyEncryption: ['none'], certificateEncryption: ['none'] });
    expect(p12.keys.map((k) => k.localKeyId)).toEqual([null, null, null]);
    expect(p12.keys.map((k) => hexOf(new Uint8Array(k.certificate!.toSchema().toBER())))).toEqual([alice, erin, eddie].map((c) => hexOf(c.certDer)));
    expect(identitiesFromPkcs12(p12).map((i) => i.key.kind)).toEqual(['rsa', 'ec', 'ed25519']);
  });

  it('reads files exported with an empty password, modern and legacy', async () => {
    for (const extra of [[], ['-legacy']]) {
      const p12 = await read(exportP12(alice, `alice-empty${extra.length}`, '', extra), '');
      expect(p12.keys[0]!.pkcs8).toEqual(alice.keyPkcs8);
    }
  });

  it('answers a wrong password with wrong-password, with and without MAC', async () => {
    expect(await errorCode(read(pki.file('alice-default.p12'), 'wrong'))).toBe('wrong-password');
    expect(await errorCode(read(pki.file('alice-windows.p12'), 'wrong'))).toBe('wrong-password');
    expect(await errorCode(read(pki.file('alice-nomac.p12'), 'wrong'))).toBe('wrong-password');
    const legacyNoMac = exportP12(alice, 'alice-legacy-nomac', PASSWORD, ['-legacy', '-nomac']);
    expect(await errorCode(read(legacyNoMac, 'wrong'))).toBe('wrong-password');
    expect(await errorCode(read(pki.file('alice-empty0.p12'), 'x'))).toBe('wrong-password');
  });

  it('refuses an absurd iteration count quickly, in the MAC and in a PBE', async () => {
    // The MAC's: an OpenSSL file with its MacData iteration count rewritten to 2,000,000 (the MAC
    // is checked first, so nothing else matters).
    const original = new Uint8Array(fs.readFileSync(exportP12(erin, 'absurd-mac', PASSWORD, [])));
    const [version, authSafe, macData] = (asn1js.fromBER(original.slice().buffer).result as asn1js.Sequence).valueBlock.value;
    const [digestInfo, salt] = (macData as asn1js.Sequence).valueBlock.value;
    const raw = (node: asn1js.AsnType | undefined) => node!.valueBeforeDecodeView;
    const absurdMac = tlv(0x30, raw(version), raw(authSafe), tlv(0x30, raw(digestInfo), raw(salt), Uint8Array.of(0x02, 0x03, 0x1e, 0x84, 0x80)));
    // The PBE's: OpenSSL without MAC, one iteration over the cap.
    const absurdPbe = fs.readFileSync(exportP12(erin, 'absurd-pbe', PASSWORD, ['-nomac', '-iter', '1000001']));
    for (const bytes of [absurdMac, absurdPbe]) {
      const started = performance.now();
      expect(await errorCode(readPkcs12(bytes, PASSWORD))).toBe('limit-exceeded');
      expect(performance.now() - started).toBeLessThan(500);
    }
  });

  it('refuses truncated and non-PKCS#12 input with a structure error', async () => {
    const bytes = fs.readFileSync(pki.file('alice-default.p12'));
    expect(await errorCode(readPkcs12(bytes.subarray(0, bytes.length - 10), PASSWORD))).toBe('malformed-asn1');
    expect(await errorCode(readPkcs12(alice.certDer, PASSWORD))).toBe('malformed-cms');
  });
});

describe('writePkcs12', () => {
  const entries = () => [
    { pkcs8: alice.keyPkcs8, certificate: certificateOf(alice), chain: [certificateOf(intermediate)], friendlyName: 'Alice' },
    { pkcs8: erin.keyPkcs8, certificate: certificateOf(erin), friendlyName: 'Erin' },
  ];

  it('writes a file OpenSSL opens, with both keys, and that reads back with its chain', async () => {
    const file = pki.file('ours.p12');
    fs.writeFileSync(file, await writePkcs12(entries(), PASSWORD, { iterations: 10_000 }));
    // -info reports on stderr; a bad MAC or a bag that does not decrypt makes the command fail.
    const info = execFileSync('openssl', ['pkcs12', '-info', '-noout', '-passin', `pass:${PASSWORD}`, '-in', file], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    expect(info).toBe('');
    const report = execFileSync('sh', ['-c', 'openssl pkcs12 -info -noout -passin "pass:$1" -in "$2" 2>&1', 'sh', PASSWORD, file], { encoding: 'utf8' });
    expect(report).toContain('MAC: sha256, Iteration 10000');
    expect(report).toContain('PKCS7 Encrypted data: PBES2, PBKDF2, AES-256-CBC, Iteration 10000, PRF hmacWithSHA256');
    expect(report.match(/Shrouded Keybag: PBES2, PBKDF2, AES-256-CBC, Iteration 10000, PRF hmacWithSHA256/g)).toHaveLength(2);
    const dump = openssl(['pkcs12', '-in', file, '-passin', `pass:${PASSWORD}`, '-nodes']).toString();
    expect(dump).toContain('friendlyName: Alice');
    expect(dump).toContain('friendlyName: Erin');
    expect(dump.match(/BEGIN PRIVATE KEY/g)).toHaveLength(2);
    expect(dump.match(/BEGIN CERTIFICATE/g)).toHaveLength(3);

    const p12 = await read(file);
    expect(p12.algorithms).toEqual({
      mac: 'hmac-sha256',
      macIterations: 10_000,
      keyEncryption: ['pbes2-pbkdf2-hmac-sha256-aes-256-cbc'],
      certificateEncryption: ['pbes2-pbkdf2-hmac-sha256-aes-256-cbc'],
      iterations: [10_000],
    });
    expect(p12.keys.map((k) => [k.friendlyName, k.pkcs8])).toEqual([['Alice', alice.keyPkcs8], ['Erin', erin.keyPkcs8]]);
    const identities = identitiesFromPkcs12(p12);
    expect(identities.map((i) => hexOf(new Uint8Array(i.certificate.toSchema().toBER())))).toEqual([hexOf(alice.certDer), hexOf(erin.certDer)]);
    expect(identities[0]!.chain).toHaveLength(1);
    expect(identities[1]!.chain).toHaveLength(0);
    expect(await errorCode(read(file, 'wrong'))).toBe('wrong-password');
    await expectOpenSslVerifies(p12, alice);
  });

  it('writes a file NSS lists and imports, and reads what NSS exports (Thunderbird, Firefox)', async () => {
    const file = pki.file('ours-nss.p12');
    fs.writeFileSync(file, await writePkcs12(entries().slice(0, 1), PASSWORD, { iterations: 10_000 }));
    const db = `sql:${pki.file('nssdb')}`;
    fs.mkdirSync(pki.file('nssdb'));
    execFileSync('certutil', ['-N', '-d', db, '--empty-password']);
    const listing = execFileSync('pk12util', ['-l', file, '-d', db, '-W', PASSWORD], { encoding: 'utf8' });
    expect(listing).toContain('Certificate(has private key)');
    expect(listing).toContain('Friendly Name: Alice');
    expect(listing).toContain('Key(shrouded)');
    expect(() => execFileSync('pk12util', ['-l', file, '-d', db, '-W', 'wrong'], { stdio: 'pipe' })).toThrow();

    execFileSync('pk12util', ['-i', file, '-d', db, '-W', PASSWORD, '-K', ''], { stdio: 'pipe' });
    const exported = pki.file('nss-export.p12');
    execFileSync('pk12util', ['-o', exported, '-n', 'Alice', '-d', db, '-W', PASSWORD, '-K', ''], { stdio: 'pipe' });
    const p12 = await read(exported);
    // NSS's defaults: AES-256 keys, AES-128 certificates, 600,000 iterations everywhere.
    expect(p12.algorithms).toEqual({
      mac: 'hmac-sha256',
      macIterations: 600_000,
      keyEncryption: ['pbes2-pbkdf2-hmac-sha256-aes-256-cbc'],
      certificateEncryption: ['pbes2-pbkdf2-hmac-sha256-aes-128-cbc'],
      iterations: [600_000],
    });
    expect(p12.keys[0]!.pkcs8).toEqual(alice.keyPkcs8);
    expect(p12.keys[0]!.friendlyName).toBe('Alice');
    expect(identitiesFromPkcs12(p12)).toHaveLength(1);
  });

  it('uses 600,000 iterations by default, as NSS does', async () => {
    const file = pki.file('ours-default.p12');
    fs.writeFileSync(file, await writePkcs12(entries().slice(1), PASSWORD));
    const report = execFileSync('sh', ['-c', 'openssl pkcs12 -info -noout -passin "pass:$1" -in "$2" 2>&1', 'sh', PASSWORD, file], { encoding: 'utf8' });
    expect(report).toContain('MAC: sha256, Iteration 600000');
    expect(report.match(/AES-256-CBC, Iteration 600000, PRF hmacWithSHA256/g)).toHaveLength(2);
  });

  it('refuses a key paired with the wrong certificate, unknown options and absurd iterations', async () => {
    expect(await errorCode(writePkcs12([{ pkcs8: alice.keyPkcs8, certificate: certificateOf(erin) }], PASSWORD, { iterations: 1000 }))).toBe('invalid-argument');
    expect(await errorCode(writePkcs12(entries(), PASSWORD, { iterations: 1000, cipher: 'des' } as { iterations: number }))).toBe('invalid-argument');
    expect(await errorCode(writePkcs12(entries(), PASSWORD, { iterations: 5_000_000 }))).toBe('invalid-argument');
    expect(await errorCode(writePkcs12([], PASSWORD))).toBe('invalid-argument');
  });
});
