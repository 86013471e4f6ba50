import fs from 'node:fs';

import * as pkijs from 'pkijs';
import { afterAll, describe, expect, it } from 'vitest';

import { decryptEnvelope } from '@/lib/smime/cms/decrypt-envelope';
import { encryptEnvelope, type EncryptOptions, type SendCipher } from '@/lib/smime/cms/encrypt-envelope';
import { isSmimeError } from '@/lib/smime/errors';
import type { Identity } from '@/lib/smime/keys/key-operations';
import { LIMITS } from '@/lib/smime/limits';
import { softKeyFromPkcs8 } from '@/lib/smime/keys/soft-key';

import { createTestPki, openssl, type IssuedCert } from '../support/test-pki';

// EnvelopedData and AuthEnvelopedData against the machine's OpenSSL (`openssl cms`), both ways.
const pki = createTestPki('sealpost-envelope-');
afterAll(() => pki.cleanup());

const alice = pki.issue({ name: 'alice', key: 'rsa-2048', email: 'alice@example.test' });
const aliceOld = pki.issue({ name: 'alice-old', key: 'rsa-2048', email: 'alice@example.test' });
const carol = pki.issue({ name: 'carol', key: 'rsa-3072', email: 'carol@example.test' });
const ec = {
  p256: pki.issue({ name: 'bob-p256', key: 'p256', email: 'bob@example.test' }),
  p384: pki.issue({ name: 'bob-p384', key: 'p384', email: 'bob@example.test' }),
  p521: pki.issue({ name: 'bob-p521', key: 'p521', email: 'bob@example.test' }),
};
const dana = pki.issue({ name: 'dana-x25519', key: 'x25519', email: 'dana@example.test' });

const MESSAGE = 'Content-Type: text/plain; charset=utf-8\r\n\r\nMeet at the usual place, 10:00.\r\n'.repeat(20);
const messageBytes = new TextEncoder().encode(MESSAGE);

const certificate = (cert: IssuedCert) => pkijs.Certificate.fromBER(new Uint8Array(cert.certDer));
const identity = (cert: IssuedCert, keyFrom: IssuedCert = cert): Identity => ({ certificate: certificate(cert), key: softKeyFromPkcs8(keyFrom.keyPkcs8) });

let counter = 0;
/** `openssl cms -encrypt` of MESSAGE; each recipient is `[cert, ...its -keyopt values]`. */
function opensslEncrypt(recipients: Array<IssuedCert | [IssuedCert, ...string[]]>, args: string[] = []): Uint8Array {
  const input = pki.file('message.txt');
  fs.writeFileSync(input, MESSAGE);
  const recipientArgs = recipients.flatMap((r) => {
    const [cert, ...keyopts] = Array.isArray(r) ? r : [r];
    return ['-recip', cert.certPath, ...keyopts.flatMap((k) => ['-keyopt', k])];
  });
  const out = pki.file(`openssl-${++counter}.p7m`);
  openssl(['cms', '-encrypt', '-binary', '-in', input, '-outform', 'DER', '-out', out, ...args, ...recipientArgs]);
  return new Uint8Array(fs.readFileSync(out));
}

function opensslDecrypt(der: Uint8Array, recipient: IssuedCert): string {
  const input = pki.file(`ours-${++counter}.p7m`);
  fs.writeFileSync(input, der);
  return openssl(['cms', '-decrypt', '-binary', '-inform', 'DER', '-in', input, '-inkey', recipient.keyPath, '-recip', recipient.certPath]).toString('utf8');
}

async function errorOf(promise: Promise<unknown>): Promise<{ code: string; message: string }> {
  try {
    await promise;
  } catch (error) {
    if (!isSmimeError(error)) throw error;
    return { code: error.code, message: error.message };
  }
  throw new Error('expected a failure');
}

/** Swaps one OID's DER for another of the same length (an algorithm relabelled in place). */
function relabel(der: Uint8Array, fromOidHex: string, toOidHex: string): Uint8Array {
  const hex = Buffer.from(der).toString('hex');
  expect(hex.split(fromOidHex)).toHaveLength(2);
  return new Uint8Array(Buffer.from(hex.replace(fromOidHex, toOidHex), 'hex'));
}
const OID_HEX = { aes128Gcm: '0609608648016503040106', aes128Cbc: '0609608648016503040102' };

describe('OpenSSL encrypts, we decrypt', () => {
  it.each(['-aes-128-cbc', '-aes-192-cbc', '-aes-256-cbc'])('RSA PKCS#1 v1.5 with %s', async (cipher) => {
    const result = await decryptEnvelope(opensslEncrypt([alice], [cipher]), [identity(alice)]);
    expect(new TextDecoder().decode(result.content)).toBe(MESSAGE);
    expect(result).toMatchObject({ contentCipher: cipher.slice(1), keyTransport: 'rsa-pkcs1v15', weakCipher: false, integrityProtected: false, contentType: '1.2.840.113549.1.7.1' });
  });

  it('RSA PKCS#1 v1.5 with 3DES, OpenSSL\'s default: decrypted, reported weak', async () => {
    const result = await decryptEnvelope(opensslEncrypt([alice]), [identity(alice)]);
    expect(result.content).toEqual(messageBytes);
    expect(result).toMatchObject({ contentCipher: 'des-ede3-cbc', keyTransport: 'rsa-pkcs1v15', weakCipher: true, integrityProtected: false });
  });

  it.each(['rc2-40', 'rc2-64', 'rc2-128'])('RSA PKCS#1 v1.5 with %s: decrypted, reported weak', async (cipher) => {
    const result = await decryptEnvelope(opensslEncrypt([alice], [`-${cipher}`, '-provider', 'legacy', '-provider', 'default']), [identity(alice)]);
    expect(result.content).toEqual(messageBytes);
    expect(result).toMatchObject({ contentCipher: cipher, weakCipher: true });
  });

  it('ECDH with OpenSSL\'s default 3DES wraps the key with CMS3DESwrap (RFC 3217): unsupported-algorithm', async () => {
    expect((await errorOf(decryptEnvelope(opensslEncrypt([ec.p256]), [identity(ec.p256)]))).code).toBe('unsupported-algorithm');
  });

  it.each([
    ['SHA-1', ['rsa_padding_mode:oaep']],
    ['SHA-256', ['rsa_padding_mode:oaep', 'rsa_oaep_md:sha256']],
    ['SHA-256 with MGF1-SHA-256', ['rsa_padding_mode:oaep', 'rsa_oaep_md:sha256', 'rsa_mgf1_md:sha256']],
  ])('RSA-OAEP %s', async (_name, keyopts) => {
    const result = await decryptEnvelope(opensslEncrypt([[alice, ...keyopts]], ['-aes-256-cbc']), [identity(alice)]);
    expect(result.content).toEqual(messageBytes);
    expect(result.keyTransport).toBe('rsa-oaep');
  });

  it('a recipient named by subject key identifier (-keyid)', async () => {
    const result = await decryptEnvelope(opensslEncrypt([alice, ec.p256], ['-aes-128-cbc', '-keyid']), [identity(ec.p256)]);
    expect(result.content).toEqual(messageBytes);
    const rsaResult = await decryptEnvelope(opensslEncrypt([alice], ['-aes-128-cbc', '-keyid']), [identity(alice)]);
    expect(rsaResult.recipient.certificate.serialNumber.isEqual(certificate(alice).serialNumber)).toBe(true);
  });

  describe.each(Object.entries(ec))('ECDH %s', (curve, cert) => {
    it.each([
      ['the default KDF (SHA-1), AES-128', ['-aes-128-cbc'], []],
      ['the default KDF (SHA-1), AES-256', ['-aes-256-cbc'], []],
      ['SHA-224 KDF', ['-aes-192-cbc'], ['ecdh_kdf_md:sha224']],
      ['SHA-256 KDF', ['-aes-128-cbc'], ['ecdh_kdf_md:sha256']],
      ['SHA-384 KDF', ['-aes-256-cbc'], ['ecdh_kdf_md:sha384']],
      ['SHA-512 KDF', ['-aes-256-cbc'], ['ecdh_kdf_md:sha512']],
    ])('%s', async (_name, args, keyopts) => {
      const result = await decryptEnvelope(opensslEncrypt([[cert, ...keyopts]], args), [identity(cert)]);
      expect(result.content).toEqual(messageBytes);
      expect(result.keyTransport).toBe('ecdh');
      expect(curve).toMatch(/^p/);
    });
  });

  it.each([
    ['-aes-128-gcm', alice],
    ['-aes-256-gcm', alice],
    ['-aes-128-gcm', ec.p256],
    ['-aes-256-gcm', ec.p384],
  ])('AuthEnvelopedData %s to %s', async (cipher, cert) => {
    const result = await decryptEnvelope(opensslEncrypt([cert], [cipher]), [identity(cert)]);
    expect(result.content).toEqual(messageBytes);
    expect(result).toMatchObject({ contentCipher: cipher.slice(1), integrityProtected: true, weakCipher: false });
  });

  it('several recipients, ours second, and BER streaming output', async () => {
    const der = opensslEncrypt([carol, ec.p256, alice], ['-aes-256-cbc', '-stream']);
    const result = await decryptEnvelope(der, [identity(alice)]);
    expect(result.content).toEqual(messageBytes);
    expect(result.recipient.certificate.subject.typesAndValues.map((t) => t.value.valueBlock.value)).toContain('alice');
  });

  it('mail to an older certificate of the user: every identity is tried', async () => {
    const result = await decryptEnvelope(opensslEncrypt([aliceOld], ['-aes-128-gcm']), [identity(alice), identity(aliceOld)]);
    expect(result.content).toEqual(messageBytes);
    expect(result.recipient.certificate.serialNumber.isEqual(certificate(aliceOld).serialNumber)).toBe(true);
  });

  it('no identity among the recipients: no-matching-recipient', async () => {
    expect((await errorOf(decryptEnvelope(opensslEncrypt([alice, ec.p256], ['-aes-128-cbc']), [identity(carol), identity(ec.p384)]))).code).toBe('no-matching-recipient');
  });

  it('the right certificate with the wrong key: one generic decryption-failed', async () => {
    const wrongKey = [identity(alice, aliceOld)];
    const gcm = await errorOf(decryptEnvelope(opensslEncrypt([alice], ['-aes-256-gcm']), wrongKey));
    const oaep = await errorOf(decryptEnvelope(opensslEncrypt([[alice, 'rsa_padding_mode:oaep']], ['-aes-256-cbc']), wrongKey));
    const ecdh = await errorOf(decryptEnvelope(opensslEncrypt([ec.p256], ['-aes-128-gcm']), [identity(ec.p256, pki.issue({ name: 'other-p256', key: 'p256' }))]));
    expect(gcm).toEqual({ code: 'decryption-failed', message: 'The message could not be decrypted.' });
    expect(oaep).toEqual(gcm);
    expect(ecdh).toEqual(gcm);
  });

  it('a tampered GCM tag: decryption-failed, no plaintext', async () => {
    const der = opensslEncrypt([alice], ['-aes-128-gcm']);
    der[der.length - 1]! ^= 0x01; // the mac is the last field
    expect(await errorOf(decryptEnvelope(der, [identity(alice)]))).toEqual({ code: 'decryption-failed', message: 'The message could not be decrypted.' });
  });

  it('GCM relabelled as CBC (AEAD-to-CBC downgrade): a generic failure, no plaintext', async () => {
    const der = relabel(opensslEncrypt([alice], ['-aes-128-gcm']), OID_HEX.aes128Gcm, OID_HEX.aes128Cbc);
    expect(['decryption-failed', 'malformed-cms']).toContain((await errorOf(decryptEnvelope(der, [identity(alice)]))).code);
  });

  it('CBC relabelled as GCM inside EnvelopedData: refused, no plaintext', async () => {
    const der = relabel(opensslEncrypt([alice], ['-aes-128-cbc']), OID_HEX.aes128Cbc, OID_HEX.aes128Gcm);
    expect(['decryption-failed', 'malformed-cms']).toContain((await errorOf(decryptEnvelope(der, [identity(alice)]))).code);
  });

  it('tampered or truncated CBC ciphertext never throws an untyped error', async () => {
    const der = opensslEncrypt([[alice, 'rsa_padding_mode:oaep']], ['-aes-128-cbc']);
    const id = [identity(alice)];
    for (let i = der.length - 1; i > der.length - 200; i -= 7) {
      const flipped = new Uint8Array(der);
      flipped[i]! ^= 0x80;
      await decryptEnvelope(flipped, id).then(
        (r) => expect(r.content).not.toEqual(messageBytes),
        (e) => expect(isSmimeError(e)).toBe(true),
      );
    }
    for (const cut of [1, 15, 16, 17, 100, der.length - 10]) {
      expect(isSmimeError(await decryptEnvelope(der.subarray(0, der.length - cut), id).catch((e: unknown) => e))).toBe(true);
    }
  });
});

describe('we encrypt, OpenSSL decrypts', () => {
  const ciphers: SendCipher[] = ['aes-128-cbc', 'aes-192-cbc', 'aes-256-cbc', 'aes-128-gcm', 'aes-256-gcm'];

  it.each(ciphers)('RSA PKCS#1 v1.5 with %s (the default padding)', async (cipher) => {
    const envelope = await encryptEnvelope(messageBytes, [certificate(alice)], { cipher });
    expect(envelope.smimeType).toBe(cipher.endsWith('gcm') ? 'authEnveloped-data' : 'enveloped-data');
    expect(opensslDecrypt(envelope.der, alice)).toBe(MESSAGE);
    expect((await decryptEnvelope(envelope.der, [identity(alice)])).content).toEqual(messageBytes);
  });

  it.each<EncryptOptions>([
    { rsaPadding: 'oaep' },
    { rsaPadding: 'oaep', oaepHash: 'SHA-1', cipher: 'aes-128-gcm' },
  ])('RSA-OAEP %o', async (options) => {
    const envelope = await encryptEnvelope(messageBytes, [certificate(carol)], options);
    expect(opensslDecrypt(envelope.der, carol)).toBe(MESSAGE);
    expect((await decryptEnvelope(envelope.der, [identity(carol)])).keyTransport).toBe('rsa-oaep');
  });

  it.each(Object.entries(ec).flatMap(([curve, cert]) => ciphers.map((cipher) => [curve, cert, cipher] as const)))('ECDH %s with %s', async (_curve, cert, cipher) => {
    const envelope = await encryptEnvelope(messageBytes, [certificate(cert)], { cipher });
    expect(opensslDecrypt(envelope.der, cert)).toBe(MESSAGE);
    expect((await decryptEnvelope(envelope.der, [identity(cert)])).keyTransport).toBe('ecdh');
  });

  it('several recipients of mixed key types in one envelope', async () => {
    const recipients = [alice, ec.p256, carol, ec.p521, ec.p384];
    for (const cipher of ['aes-256-gcm', 'aes-128-cbc'] as const) {
      const envelope = await encryptEnvelope(messageBytes, recipients.map(certificate), { cipher, rsaPadding: 'oaep' });
      for (const r of recipients) expect(opensslDecrypt(envelope.der, r)).toBe(MESSAGE);
      for (const r of recipients) expect((await decryptEnvelope(envelope.der, [identity(r)])).content).toEqual(messageBytes);
    }
  });

  it(`an envelope naming the user more than ${LIMITS.decryptionAttempts} times: limit-exceeded`, async () => {
    const envelope = await encryptEnvelope(messageBytes, Array.from({ length: LIMITS.decryptionAttempts + 1 }, () => certificate(alice)));
    expect((await errorOf(decryptEnvelope(envelope.der, [identity(alice)]))).code).toBe('limit-exceeded');
  });

  it('X25519 (RFC 8418): OpenSSL 3.0 cms cannot, so ours round-trip, mixed with RSA', async () => {
    const envelope = await encryptEnvelope(messageBytes, [certificate(alice), certificate(dana)], { cipher: 'aes-128-gcm' });
    const result = await decryptEnvelope(envelope.der, [identity(dana)]);
    expect(result).toMatchObject({ keyTransport: 'x25519', integrityProtected: true });
    expect(result.content).toEqual(messageBytes);
    expect(opensslDecrypt(envelope.der, alice)).toBe(MESSAGE);
  });
});
