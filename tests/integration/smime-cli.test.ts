import { createHash } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { createTestPki, type IssuedCert, openssl, type TestPki } from '../support/test-pki';

// The `smime` command as a user runs it, on whole messages, against OpenSSL's `smime`/`cms` both
// ways: what OpenSSL writes, `smime inspect` reads; what `smime sign|encrypt|sign-encrypt`
// writes, OpenSSL verifies and decrypts.
const bin = path.resolve('bin/smime.mjs');
const ATTACHMENT = Buffer.from(Array.from({ length: 3000 }, (_, i) => (i * 7) & 0xff));
const PLAIN =
  'From: Alice <alice@example.org>\r\nTo: bob@example.org\r\nSubject: =?utf-8?q?Gr=C3=BC=C3=9Fe?=\r\nMIME-Version: 1.0\r\n' +
  'Content-Type: multipart/mixed; boundary="m"\r\n\r\n--m\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\nGr\u00fc\u00dfe aus K\u00f6ln\r\n' +
  `--m\r\nContent-Type: application/octet-stream\r\nContent-Disposition: attachment; filename="data.bin"\r\nContent-Transfer-Encoding: base64\r\n\r\n${ATTACHMENT.toString('base64')}\r\n--m--\r\n`;

let pki: TestPki;
let alice: IssuedCert;
let p12: string;
let plainFile: string;

const file = (name: string, content: string | Uint8Array) => {
  const target = pki.file(name);
  fs.writeFileSync(target, content);
  return target;
};
const smime = (...args: string[]) => spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', timeout: 60_000, maxBuffer: 64 * 1024 * 1024 });
const inspect = (message: string, ...extra: string[]) => {
  const result = smime('inspect', file(`in-${Math.random().toString(36).slice(2)}.eml`, message), '--trust', pki.root.certPath, '--no-network', ...extra);
  expect(result.stderr).toBe('');
  expect(result.status).toBe(0);
  return JSON.parse(result.stdout);
};

beforeAll(() => {
  pki = createTestPki('sealpost-cli-');
  alice = pki.issue({ name: 'alice', email: 'alice@example.org' });
  p12 = pki.pkcs12(alice, 'secret', { friendlyName: 'Alice' });
  plainFile = file('plain.eml', Buffer.from(PLAIN, 'utf8'));
});

afterAll(() => pki?.cleanup());

describe('smime inspect on OpenSSL messages', () => {
  it('a clear-signed message: the report fields the issue names', () => {
    const entity = file('entity.txt', 'Content-Type: text/plain\r\n\r\nSigned words.\r\n');
    const signed = openssl(['cms', '-sign', '-in', entity, '-signer', alice.certPath, '-inkey', alice.keyPath, '-from', 'alice@example.org', '-subject', 'S']).toString('latin1');
    const report = inspect(signed);
    expect(report).toMatchObject({ encrypted: false, contentCipher: null, keyTransport: null, weakCipher: false, signed: true, partial: false, text: 'Signed words.\r\n', attachments: [], errors: [] });
    expect(report.signatures[0]).toMatchObject({ signerEmail: 'alice@example.org', intact: true, chain: 'trusted', fromMatchesSigner: true, algorithm: 'rsa-pkcs1-sha256', reasons: [] });
    expect(Date.parse(report.signatures[0].signingTime)).not.toBeNaN();
    const tampered = inspect(signed.replace('Signed words.', 'Signed w0rds.'));
    expect(tampered).toMatchObject({ signed: false, signatures: [{ intact: false }] });
  });

  it('an encrypted message (OpenSSL default 3DES) with attachments, opened with a PKCS#12', () => {
    const encrypted = openssl(['smime', '-encrypt', '-in', plainFile, alice.certPath]).toString('latin1');
    const report = inspect(`From: alice@example.org\r\n${encrypted}`, '--p12', p12, '--password', 'secret');
    expect(report).toMatchObject({ encrypted: true, contentCipher: 'des-ede3-cbc', keyTransport: 'rsa-pkcs1v15', weakCipher: true, signed: false, errors: [] });
    expect(report.text).toContain('Gr\u00fc\u00dfe aus K\u00f6ln');
    expect(report.attachments).toEqual([{ filename: 'data.bin', contentType: 'application/octet-stream', size: ATTACHMENT.length, sha256: createHash('sha256').update(ATTACHMENT).digest('hex') }]);
  });

  it('garbage is still processed (exit 0, errors in the report); a wrong password is not (exit 1, one line)', () => {
    const garbage = inspect('Content-Type: application/pkcs7-mime; smime-type=enveloped-data\r\nContent-Transfer-Encoding: base64\r\n\r\nAAAA\r\n');
    expect(garbage.errors.length).toBeGreaterThan(0);
    const wrong = smime('inspect', plainFile, '--p12', p12, '--password', 'nope');
    expect(wrong.status).toBe(1);
    expect(wrong.stderr).toMatch(/^smime: .*password.*\n$/);
  });
});

describe('smime sign, encrypt and sign-encrypt, read by OpenSSL', () => {
  const verify = (message: string) => openssl(['smime', '-verify', '-CAfile', pki.root.certPath, '-in', file(`v-${Math.random()}.eml`, message)]);
  // The writer makes the content 7-bit before signing or encrypting: the text travels quoted-printable.
  const QUOTED = 'Gr=C3=BC=C3=9Fe aus K=C3=B6ln';
  // cms, not smime: the old PKCS#7 command knows neither AuthEnvelopedData nor OAEP.
  const decrypt = (message: string) => openssl(['cms', '-decrypt', '-recip', alice.certPath, '-inkey', alice.keyPath, '-in', file(`d-${Math.random()}.eml`, message)]);

  it('clear-signed and opaque signatures verify in OpenSSL, and inspect reads them back', () => {
    for (const extra of [[], ['--opaque']]) {
      const result = smime('sign', plainFile, '--p12', p12, '--password', 'secret', ...extra);
      expect(result.status).toBe(0);
      expect(result.stdout).toMatch(/^From: Alice <alice@example.org>\r\n/);
      expect(verify(result.stdout).toString('utf8')).toContain(QUOTED);
      const report = inspect(result.stdout);
      expect(report).toMatchObject({ signed: true, signatures: [{ intact: true, chain: 'trusted', fromMatchesSigner: true }] });
      expect(report.text).toContain('Gr\u00fc\u00dfe aus K\u00f6ln');
      expect(report.attachments[0].sha256).toBe(createHash('sha256').update(ATTACHMENT).digest('hex'));
    }
  });

  it.each([
    [['--cipher', 'aes-256-gcm'], 'aes-256-gcm'],
    [['--cipher', 'aes-128-cbc', '--oaep'], 'aes-128-cbc'],
    [[], 'aes-256-cbc'],
  ])('encrypt %j: OpenSSL decrypts, inspect reports %s', (extra, cipher) => {
    const result = smime('encrypt', plainFile, '--to', alice.certPath, ...extra);
    expect(result.status).toBe(0);
    expect(decrypt(result.stdout).toString('utf8')).toContain(QUOTED);
    const report = inspect(result.stdout, '--p12', p12, '--password', 'secret');
    expect(report).toMatchObject({ encrypted: true, contentCipher: cipher, errors: [] });
    expect(report.text).toContain('Gr\u00fc\u00dfe aus K\u00f6ln');
  });

  it('sign-encrypt: OpenSSL decrypts, then verifies the signature inside', () => {
    const result = smime('sign-encrypt', plainFile, '--p12', p12, '--password', 'secret', '--to', alice.certPath);
    expect(result.status).toBe(0);
    const inner = decrypt(result.stdout).toString('latin1');
    expect(verify(inner).toString('utf8')).toContain(QUOTED);
    expect(inspect(result.stdout, '--p12', p12, '--password', 'secret')).toMatchObject({ encrypted: true, signed: true, signatures: [{ intact: true }] });
  });

  it('refuses RC2 and 3DES, and encrypting without a recipient, with a usage error', () => {
    expect(smime('encrypt', plainFile, '--to', alice.certPath, '--cipher', 'des-ede3-cbc').status).toBe(2);
    expect(smime('encrypt', plainFile).status).toBe(2);
  });
});

describe('smime p12', () => {
  it('lists the certificates, key types and algorithms of a PKCS#12', () => {
    const result = smime('p12', pki.pkcs12(alice, 'pw', { legacy: true, chain: [pki.root] }), '--password', 'pw');
    expect(result.status).toBe(0);
    const summary = JSON.parse(result.stdout);
    expect(summary.keys).toEqual([expect.objectContaining({ kind: 'rsa', modulusBits: 2048 })]);
    expect(summary.certificates.map((c: { emails: string[] }) => c.emails)).toEqual(expect.arrayContaining([['alice@example.org']]));
    expect(summary.algorithms).toMatchObject({ keyEncryption: ['pbe-sha1-3des'], certificateEncryption: ['pbe-sha1-rc2-40'] });
  });
});
