import { describe, expect, it } from 'vitest';

import { ecdsaDerToRaw } from '../asn1/ecdsa-signature';
import { SmimeError } from '../errors';
import { ownBuffer } from '../web-crypto';
import { rsaPrivateKeyFromPkcs8 } from '../rsa/rsa-key';
import { rsaesPkcs1v15Encrypt } from '../rsa/rsaes-pkcs1-v1_5';
import { describePkcs8, softKey, softKeyFromPkcs8 } from './soft-key';

const subtle = globalThis.crypto.subtle;
const data = ownBuffer(new TextEncoder().encode('signed attributes stand-in'));

async function pair(algorithm: RsaHashedKeyGenParams | EcKeyGenParams | { name: string }, usages: KeyUsage[]) {
  const keys = (await subtle.generateKey(algorithm, true, usages)) as CryptoKeyPair;
  const pkcs8 = new Uint8Array(await subtle.exportKey('pkcs8', keys.privateKey));
  const spki = new Uint8Array(await subtle.exportKey('spki', keys.publicKey));
  return { keys, pkcs8, spki };
}

const rsaParams = (name: string): RsaHashedKeyGenParams => ({ name, modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]), hash: 'SHA-256' });

describe('softKey', () => {
  it('describes RSA, EC, Ed25519 and X25519 keys', async () => {
    expect(describePkcs8((await pair(rsaParams('RSASSA-PKCS1-v1_5'), ['sign', 'verify'])).pkcs8)).toEqual({ kind: 'rsa', modulusBits: 2048 });
    expect(describePkcs8((await pair({ name: 'ECDSA', namedCurve: 'P-384' }, ['sign', 'verify'])).pkcs8)).toEqual({ kind: 'ec', curve: 'P-384' });
    expect(describePkcs8((await pair({ name: 'Ed25519' }, ['sign', 'verify'])).pkcs8)).toEqual({ kind: 'ed25519' });
    expect(describePkcs8((await pair({ name: 'X25519' }, ['deriveBits'])).pkcs8)).toEqual({ kind: 'x25519' });
  });

  it('rejects bytes that are not a private key with a typed error', () => {
    expect(() => describePkcs8(new Uint8Array([0x30, 0x03, 0x02, 0x01, 0x00]))).toThrow(SmimeError);
  });

  it('signs RSA PKCS#1 v1.5 and PSS signatures the public key verifies', async () => {
    const { keys, pkcs8 } = await pair(rsaParams('RSASSA-PKCS1-v1_5'), ['sign', 'verify']);
    const key = softKeyFromPkcs8(pkcs8);
    const pkcs1 = await key.sign!(data, { scheme: 'rsa-pkcs1', hash: 'SHA-256' });
    expect(await subtle.verify('RSASSA-PKCS1-v1_5', keys.publicKey, ownBuffer(pkcs1), data)).toBe(true);
    const spki = await subtle.exportKey('spki', keys.publicKey);
    const pssPublic = await subtle.importKey('spki', spki, { name: 'RSA-PSS', hash: 'SHA-256' }, false, ['verify']);
    const pss = await key.sign!(data, { scheme: 'rsa-pss', hash: 'SHA-256', saltLength: 32 });
    expect(await subtle.verify({ name: 'RSA-PSS', saltLength: 32 }, pssPublic, ownBuffer(pss), data)).toBe(true);
    expect(await subtle.verify({ name: 'RSA-PSS', saltLength: 32 }, pssPublic, ownBuffer(pss), new Uint8Array([1]))).toBe(false);
  });

  it('signs ECDSA in DER form and Ed25519 raw', async () => {
    const ec = await pair({ name: 'ECDSA', namedCurve: 'P-521' }, ['sign', 'verify']);
    const der = await softKeyFromPkcs8(ec.pkcs8).sign!(data, { scheme: 'ecdsa', hash: 'SHA-512' });
    expect(der[0]).toBe(0x30);
    expect(await subtle.verify({ name: 'ECDSA', hash: 'SHA-512' }, ec.keys.publicKey, ownBuffer(ecdsaDerToRaw(der, 66)), data)).toBe(true);
    const ed = await pair({ name: 'Ed25519' }, ['sign', 'verify']);
    const signature = await softKeyFromPkcs8(ed.pkcs8).sign!(data, { scheme: 'ed25519' });
    expect(await subtle.verify('Ed25519', ed.keys.publicKey, ownBuffer(signature), data)).toBe(true);
  });

  it('decrypts RSA key transport with PKCS#1 v1.5 and OAEP', async () => {
    const { keys, pkcs8 } = await pair(rsaParams('RSA-OAEP'), ['encrypt', 'decrypt']);
    const key = softKeyFromPkcs8(pkcs8);
    const cek = globalThis.crypto.getRandomValues(new Uint8Array(32));
    const oaep = new Uint8Array(await subtle.encrypt({ name: 'RSA-OAEP' }, keys.publicKey, ownBuffer(cek)));
    expect(await key.decryptKeyTransport!(oaep, { padding: 'oaep', hash: 'SHA-256' })).toEqual(cek);
    oaep[10]! ^= 1;
    await expect(key.decryptKeyTransport!(oaep, { padding: 'oaep', hash: 'SHA-256' })).rejects.toMatchObject({ code: 'decryption-failed' });
    const v15 = rsaesPkcs1v15Encrypt(rsaPrivateKeyFromPkcs8(pkcs8), cek);
    expect(await key.decryptKeyTransport!(v15, { padding: 'pkcs1v15', keyLength: 32 })).toEqual(cek);
  });

  it('derives the same ECDH and X25519 secret as the other side', async () => {
    for (const [algorithm, bits] of [[{ name: 'ECDH', namedCurve: 'P-256' }, 256], [{ name: 'X25519' }, 256]] as const) {
      const recipient = await pair(algorithm, ['deriveBits']);
      const originator = await pair(algorithm, ['deriveBits']);
      const ours = await softKeyFromPkcs8(recipient.pkcs8).deriveSharedSecret!(originator.spki);
      const theirs = new Uint8Array(await subtle.deriveBits({ name: algorithm.name, public: recipient.keys.publicKey } as EcdhKeyDeriveParams, originator.keys.privateKey, bits));
      expect(ours).toEqual(theirs);
    }
  });

  it('loads the key for every operation and never keeps it', async () => {
    const { pkcs8 } = await pair({ name: 'ECDSA', namedCurve: 'P-256' }, ['sign', 'verify']);
    let loads = 0;
    const key = softKey(describePkcs8(pkcs8), async () => {
      loads++;
      return pkcs8;
    });
    await key.sign!(data, { scheme: 'ecdsa', hash: 'SHA-256' });
    await key.sign!(data, { scheme: 'ecdsa', hash: 'SHA-256' });
    expect(loads).toBe(2);
  });
});
