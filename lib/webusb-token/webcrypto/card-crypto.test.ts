// CardCrypto on the PIV simulator: what the card key computes is judged by the platform's own
// WebCrypto (verify with the certificate's public key; the same OAEP plaintext and ECDH secret as
// the soft key gives), and everything that is not a card key's private operation is shown to reach
// the platform crypto unchanged.
import { beforeAll, describe, expect, it, vi } from 'vitest';

import { bigIntToBytes, bytesToBigInt, modPow } from '../../smime/rsa/big-int-bytes';
import { rsaPrivateKeyFromPkcs8 } from '../../smime/rsa/rsa-key';
import { rsaesPkcs1v15Encrypt } from '../../smime/rsa/rsaes-pkcs1-v1_5';
import { TokenError } from '../errors';
import { PivClient } from '../piv/piv-client';
import { createPivSimulator } from '../simulator/piv-simulator';
import { simulatedCardTransport } from '../simulator/simulated-card-transport';
import { type TestCardKey, makeTestCardKey } from '../simulator/test-card-key';
import { CardCrypto } from './card-crypto';
import { CardCryptoKey, type CardSlot, RSAES_PKCS1_V1_5 } from './card-crypto-key';
import type { PinPrompt } from './card-pin';
import type { RsaesPkcs1v15Params } from './card-providers';

const platform = globalThis.crypto.subtle;
const own = (b: Uint8Array) => new Uint8Array(b) as Uint8Array<ArrayBuffer>;
const message = own(new TextEncoder().encode('signed attributes of an S/MIME message'));
const spki = (key: TestCardKey) => own(new Uint8Array(key.certificate.subjectPublicKeyInfo.toSchema().toBER(false)));

let rsa: TestCardKey;
let other: TestCardKey;
let p256: TestCardKey;
let p384: TestCardKey;
beforeAll(async () => {
  [rsa, other, p256, p384] = await Promise.all([makeTestCardKey({ name: 'RSA' }, 1), makeTestCardKey({ name: 'RSA' }, 2), makeTestCardKey({ name: 'EC', curve: 'P-256' }, 3), makeTestCardKey({ name: 'EC', curve: 'P-384' }, 4)]);
});

/** A card: 9C signs (RSA), 9D decrypts (RSA), 9A holds P-256, 82 P-384, 9E another RSA key than its certificate says. */
async function openCard(askPin: PinPrompt = async () => '123456') {
  const slot = (key: TestCardKey, certificate = key) => ({ privateKeyPkcs8: key.pkcs8, certificateDer: certificate.der });
  const simulator = createPivSimulator({ slots: { 0x9a: slot(p256), 0x9c: slot(rsa), 0x9d: slot(rsa), 0x9e: slot(other, rsa), 0x82: slot(p384) } });
  const client = await PivClient.open(simulatedCardTransport(simulator));
  const at = (slotNumber: number, key: TestCardKey): CardSlot => ({ client, slot: slotNumber, certificate: key.certificate, askPin });
  return { client, at };
}

describe('CardCrypto signs with card keys; the platform verifies with the certificate', () => {
  it.each(['SHA-256', 'SHA-384', 'SHA-512'])('RSASSA-PKCS1-v1_5 with %s, the PIN asked once (9C is PIN-always)', async (hash) => {
    const prompt = vi.fn<PinPrompt>(async () => '123456');
    const { at } = await openCard(prompt);
    const { subtle } = new CardCrypto();
    const key = subtle.cardKey(at(0x9c, rsa), { name: 'RSASSA-PKCS1-v1_5', hash }, ['sign']);
    expect(key).toMatchObject({ type: 'private', extractable: false, usages: ['sign'], algorithm: { name: 'RSASSA-PKCS1-v1_5', modulusLength: 2048, hash: { name: hash } } });
    const signature = await subtle.sign('RSASSA-PKCS1-v1_5', key, message);
    const verifier = await platform.importKey('spki', spki(rsa), { name: 'RSASSA-PKCS1-v1_5', hash }, false, ['verify']);
    expect(await platform.verify('RSASSA-PKCS1-v1_5', verifier, signature, message)).toBe(true);
    expect(await platform.verify('RSASSA-PKCS1-v1_5', verifier, signature, message.subarray(1))).toBe(false);
    expect(prompt).toHaveBeenCalledExactlyOnceWith({ slot: 0x9c, reason: 'pin-always', retriesLeft: 3 });
  });

  it.each([['SHA-256', 32], ['SHA-512', 64], ['SHA-256', 0]] as const)('RSA-PSS with %s and a %d-byte salt', async (hash, saltLength) => {
    const { at } = await openCard();
    const { subtle } = new CardCrypto();
    const signature = await subtle.sign({ name: 'RSA-PSS', saltLength }, subtle.cardKey(at(0x9c, rsa), { name: 'RSA-PSS', hash }, ['sign']), message);
    const verifier = await platform.importKey('spki', spki(rsa), { name: 'RSA-PSS', hash }, false, ['verify']);
    expect(await platform.verify({ name: 'RSA-PSS', saltLength }, verifier, signature, message)).toBe(true);
    expect(await platform.verify({ name: 'RSA-PSS', saltLength }, verifier, signature, message.subarray(1))).toBe(false);
  });

  it.each([['P-256', 0x9a, 'SHA-256', 64], ['P-384', 0x82, 'SHA-384', 96]] as const)('ECDSA %s: WebCrypto\'s raw r||s', async (curve, slot, hash, length) => {
    const key = curve === 'P-256' ? p256 : p384;
    const { at } = await openCard();
    const { subtle } = new CardCrypto();
    const signature = await subtle.sign({ name: 'ECDSA', hash }, subtle.cardKey(at(slot, key), { name: 'ECDSA', namedCurve: curve }, ['sign']), message);
    expect(signature.byteLength).toBe(length);
    expect(await platform.verify({ name: 'ECDSA', hash }, key.publicKey, signature, message)).toBe(true);
    expect(await platform.verify({ name: 'ECDSA', hash }, key.publicKey, signature, message.subarray(1))).toBe(false);
  });

  it('refuses a signature the certificate does not verify (the slot holds another key)', async () => {
    const { at } = await openCard();
    const { subtle } = new CardCrypto();
    const key = subtle.cardKey(at(0x9e, rsa), { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' }, ['sign']);
    await expect(subtle.sign('RSASSA-PKCS1-v1_5', key, message)).rejects.toMatchObject({ code: 'card-error' });
  });

  it('refuses SHA-1 signatures, names the key cannot take, and export of the key', async () => {
    const { at } = await openCard();
    const { subtle } = new CardCrypto();
    await expect(subtle.sign('RSASSA-PKCS1-v1_5', subtle.cardKey(at(0x9c, rsa), { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-1' }, ['sign']), message)).rejects.toMatchObject({ code: 'unsupported-algorithm' });
    expect(() => subtle.cardKey(at(0x9c, rsa), { name: 'ECDSA', namedCurve: 'P-256' }, ['sign'])).toThrow(expect.objectContaining({ code: 'unsupported-algorithm' }));
    expect(() => subtle.cardKey(at(0x9a, p256), { name: 'ECDSA', namedCurve: 'P-384' }, ['sign'])).toThrow(expect.objectContaining({ code: 'invalid-argument' }));
    await expect(subtle.exportKey('pkcs8', subtle.cardKey(at(0x9c, rsa), { name: 'RSA-PSS', hash: 'SHA-256' }, ['sign']))).rejects.toThrow(/not extractable/);
  });
});

describe('CardCrypto decrypts and agrees with card keys as the platform does with the soft key', () => {
  const cek = globalThis.crypto.getRandomValues(new Uint8Array(32));

  it.each([['SHA-256', undefined], ['SHA-1', undefined], ['SHA-384', own(new TextEncoder().encode('label'))]] as const)('RSA-OAEP with %s (label %s)', async (hash, label) => {
    const { at } = await openCard();
    const { subtle } = new CardCrypto();
    const params: RsaOaepParams = label ? { name: 'RSA-OAEP', label } : { name: 'RSA-OAEP' };
    const encryptor = await platform.importKey('spki', spki(rsa), { name: 'RSA-OAEP', hash }, false, ['encrypt']);
    const ciphertext = await platform.encrypt(params, encryptor, own(cek));
    const soft = await platform.importKey('pkcs8', own(rsa.pkcs8), { name: 'RSA-OAEP', hash }, false, ['decrypt']);
    const card = await subtle.decrypt(params, subtle.cardKey(at(0x9d, rsa), { name: 'RSA-OAEP', hash }, ['decrypt']), ciphertext);
    expect(new Uint8Array(card)).toEqual(new Uint8Array(await platform.decrypt(params, soft, ciphertext)));
    expect(new Uint8Array(card)).toEqual(cek);
  });

  it('answers every bad OAEP block with one and the same error', async () => {
    const { at } = await openCard();
    const { subtle } = new CardCrypto();
    const rsaKey = rsaPrivateKeyFromPkcs8(rsa.pkcs8);
    const encryptor = await platform.importKey('spki', spki(rsa), { name: 'RSA-OAEP', hash: 'SHA-256' }, false, ['encrypt']);
    const good = new Uint8Array(await platform.encrypt({ name: 'RSA-OAEP' }, encryptor, own(cek)));
    const flipped = new Uint8Array(good);
    flipped[200]! ^= 1;
    const cases: [Uint8Array, RsaOaepParams][] = [
      [rsaesPkcs1v15Encrypt(rsaKey, cek), { name: 'RSA-OAEP' }],
      [good, { name: 'RSA-OAEP', label: own(Uint8Array.of(1)) }],
      [flipped, { name: 'RSA-OAEP' }],
      [bigIntToBytes(modPow(5n, rsaKey.e, rsaKey.n), 256), { name: 'RSA-OAEP' }],
    ];
    const key = subtle.cardKey(at(0x9d, rsa), { name: 'RSA-OAEP', hash: 'SHA-256' }, ['decrypt']);
    const messages = new Set<string>();
    for (const [ciphertext, params] of cases) {
      const error = await subtle.decrypt(params, key, own(ciphertext)).then(() => null, (e: Error) => e);
      expect(error).toBeInstanceOf(Error);
      expect(error).not.toBeInstanceOf(TokenError);
      messages.add(`${error!.name}: ${error!.message}`);
    }
    expect([...messages]).toEqual(['OperationError: The ciphertext could not be decrypted.']);
  });

  it(`${RSAES_PKCS1_V1_5}: the key, or random bytes of keyLength on bad padding, never an error`, async () => {
    const { at } = await openCard();
    const { subtle } = new CardCrypto();
    const rsaKey = rsaPrivateKeyFromPkcs8(rsa.pkcs8);
    const key = subtle.cardKey(at(0x9d, rsa), RSAES_PKCS1_V1_5, ['decrypt']);
    const params: RsaesPkcs1v15Params = { name: RSAES_PKCS1_V1_5, keyLength: 32 };
    expect(new Uint8Array(await subtle.decrypt(params, key, own(rsaesPkcs1v15Encrypt(rsaKey, cek))))).toEqual(cek);
    for (const bad of [rsaesPkcs1v15Encrypt(rsaKey, cek.subarray(0, 16)), bigIntToBytes(bytesToBigInt(globalThis.crypto.getRandomValues(new Uint8Array(256))) % rsaKey.n, 256)]) {
      const first = new Uint8Array(await subtle.decrypt(params, key, own(bad)));
      const second = new Uint8Array(await subtle.decrypt(params, key, own(bad)));
      expect(first).toHaveLength(32);
      expect(first).not.toEqual(second);
    }
    await expect(subtle.decrypt({ name: RSAES_PKCS1_V1_5 }, key, own(rsaesPkcs1v15Encrypt(rsaKey, cek)))).rejects.toThrow(/keyLength/);
    await expect(subtle.decrypt({ ...params, keyLength: 246 }, key, own(rsaesPkcs1v15Encrypt(rsaKey, cek)))).rejects.toMatchObject({ code: 'invalid-argument' });
  });

  it.each([['P-256', 0x9a, 256], ['P-384', 0x82, 384]] as const)('ECDH %s: the same Z as the soft key, from the peer\'s public CryptoKey', async (curve, slot, bits) => {
    const key = curve === 'P-256' ? p256 : p384;
    const { at } = await openCard();
    const { subtle } = new CardCrypto();
    const peer = await platform.generateKey({ name: 'ECDH', namedCurve: curve }, true, ['deriveBits']);
    const soft = await platform.importKey('pkcs8', own(key.pkcs8), { name: 'ECDH', namedCurve: curve }, false, ['deriveBits']);
    const expected = new Uint8Array(await platform.deriveBits({ name: 'ECDH', public: peer.publicKey }, soft, bits));
    const cardKey = subtle.cardKey(at(slot, key), { name: 'ECDH', namedCurve: curve }, ['deriveBits']);
    expect(new Uint8Array(await subtle.deriveBits({ name: 'ECDH', public: peer.publicKey }, cardKey, bits))).toEqual(expected);
    expect(new Uint8Array(await subtle.deriveBits({ name: 'ECDH', public: peer.publicKey }, cardKey, 128))).toEqual(expected.subarray(0, 16));
    const elsewhere = await platform.generateKey({ name: 'ECDH', namedCurve: curve === 'P-256' ? 'P-384' : 'P-256' }, true, ['deriveBits']);
    await expect(subtle.deriveBits({ name: 'ECDH', public: elsewhere.publicKey }, cardKey, bits)).rejects.toMatchObject({ code: 'invalid-argument' });
  });
});

describe('the PIN', () => {
  it('a cancelled PIN is TokenError pin-required, before any GENERAL AUTHENTICATE', async () => {
    const { at } = await openCard(async () => null);
    const { subtle } = new CardCrypto();
    const error = await subtle.sign('RSASSA-PKCS1-v1_5', subtle.cardKey(at(0x9c, rsa), { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' }, ['sign']), message).then(() => null, (e: unknown) => e);
    expect(error).toBeInstanceOf(TokenError);
    expect(error).toMatchObject({ code: 'pin-required' });
  });

  it('a wrong PIN is asked again with the tries left; three block the card (TokenError pin-blocked)', async () => {
    const prompt = vi.fn<PinPrompt>().mockResolvedValueOnce('000000').mockResolvedValueOnce('123456');
    const { client, at } = await openCard(prompt);
    const { subtle } = new CardCrypto();
    const peer = await platform.generateKey({ name: 'ECDH', namedCurve: 'P-256' }, true, ['deriveBits']);
    await subtle.deriveBits({ name: 'ECDH', public: peer.publicKey }, subtle.cardKey(at(0x9a, p256), { name: 'ECDH', namedCurve: 'P-256' }, ['deriveBits']), 256);
    expect(prompt.mock.calls.map(([request]) => request)).toEqual([
      { slot: 0x9a, reason: 'pin-required', retriesLeft: 3 },
      { slot: 0x9a, reason: 'wrong-pin', retriesLeft: 2 },
    ]);
    expect(await client.pinStatus()).toEqual({ verified: true });

    const wrong = await openCard(async () => '999999');
    const error = await subtle.sign('RSASSA-PKCS1-v1_5', subtle.cardKey(wrong.at(0x9c, rsa), { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' }, ['sign']), message).then(() => null, (e: unknown) => e);
    expect(error).toBeInstanceOf(TokenError);
    expect(error).toMatchObject({ code: 'pin-blocked' });
  });
});

describe('everything else reaches the platform crypto unchanged', () => {
  /** The platform's crypto with every subtle call and getRandomValues recorded. */
  function spiedPlatform() {
    const calls: string[] = [];
    const subtle = new Proxy(platform, {
      get(target, property) {
        const value: unknown = Reflect.get(target, property, target);
        if (typeof value !== 'function') return value;
        return (...args: unknown[]) => {
          calls.push(String(property));
          return (value as (...a: unknown[]) => unknown).apply(target, args);
        };
      },
    });
    const crypto = {
      subtle,
      getRandomValues: <T extends ArrayBufferView | null>(array: T): T => {
        calls.push('getRandomValues');
        return globalThis.crypto.getRandomValues(array as ArrayBufferView<ArrayBuffer>) as T;
      },
    } as Crypto;
    return { calls, crypto };
  }

  it('digest, generateKey, importKey, exportKey, sign/verify and encrypt/decrypt with soft keys, getRandomValues, randomUUID', async () => {
    const { calls, crypto } = spiedPlatform();
    const card = new CardCrypto(crypto);

    expect(new Uint8Array(await card.subtle.digest('SHA-256', message))).toEqual(new Uint8Array(await platform.digest('SHA-256', message)));
    const pair = await card.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, ['sign', 'verify']);
    expect(pair.privateKey).not.toBeInstanceOf(CardCryptoKey);
    const signature = await card.subtle.sign({ name: 'ECDSA', hash: 'SHA-256' }, pair.privateKey, message);
    expect(await platform.verify({ name: 'ECDSA', hash: 'SHA-256' }, pair.publicKey, signature, message)).toBe(true);
    const exported = await card.subtle.exportKey('spki', pair.publicKey);
    const imported = await card.subtle.importKey('spki', exported, { name: 'ECDSA', namedCurve: 'P-256' }, false, ['verify']);
    expect(await card.subtle.verify({ name: 'ECDSA', hash: 'SHA-256' }, imported, signature, message)).toBe(true);
    const aes = await card.subtle.generateKey({ name: 'AES-GCM', length: 128 }, false, ['encrypt', 'decrypt']);
    const iv = card.getRandomValues(new Uint8Array(12));
    const sealed = await card.subtle.encrypt({ name: 'AES-GCM', iv }, aes, message);
    expect(new Uint8Array(await card.subtle.decrypt({ name: 'AES-GCM', iv }, aes, sealed))).toEqual(message);
    expect(card.randomUUID()).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(calls).toEqual(['digest', 'generateKey', 'sign', 'exportKey', 'importKey', 'verify', 'generateKey', 'getRandomValues', 'encrypt', 'decrypt', 'getRandomValues']);
  });

  it('a card key never reaches the platform\'s sign or decrypt', async () => {
    const { calls, crypto } = spiedPlatform();
    const { subtle } = new CardCrypto(crypto);
    const { at } = await openCard();
    await subtle.sign('RSASSA-PKCS1-v1_5', subtle.cardKey(at(0x9c, rsa), { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' }, ['sign']), message);
    expect(calls).toEqual(['digest']);
  });
});
