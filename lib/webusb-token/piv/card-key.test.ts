import * as pkijs from 'pkijs';
import { afterEach, describe, expect, it, vi } from 'vitest';

import { ScriptedTransport, type ScriptStep, hex, toHex } from '@/tests/support/scripted-transport';

import { ecdsaDerToRaw, ecdsaRawToDer } from '../../smime/asn1/ecdsa-signature';
import type { HashName } from '../../smime/web-crypto';
import { bigIntToBytes, bytesToBigInt, modPow } from '../../smime/rsa/big-int-bytes';
import { type RsaPrivateKey, rsaPrivateKeyFromPkcs8 } from '../../smime/rsa/rsa-key';
import { rsaPrivateOperation } from '../../smime/rsa/rsa-private-operation';
import { rsaesPkcs1v15Encrypt } from '../../smime/rsa/rsaes-pkcs1-v1_5';
import { concatBytes } from '../../bytes';
import { encodeTlv } from '../apdu/ber-tlv';
import { Iso7816Session } from '../apdu/iso7816-session';
import { type PinPrompt, cardKeyOperations } from './card-key';
import { PivClient } from './piv-client';

const subtle = globalThis.crypto.subtle;
const own = (b: Uint8Array) => new Uint8Array(b) as Uint8Array<ArrayBuffer>;
const ok = (data: Uint8Array = new Uint8Array(0)) => concatBytes(data, hex('9000'));
const startsWith = (prefix: Uint8Array, length?: number) => (c: Uint8Array) => toHex(c).startsWith(toHex(prefix)) && (length === undefined || c.length === length);

/** A certificate carrying only the subject public key: all cardKeyOperations reads. */
function certificateFor(spki: ArrayBuffer): pkijs.Certificate {
  const certificate = new pkijs.Certificate();
  certificate.subjectPublicKeyInfo = pkijs.PublicKeyInfo.fromBER(spki);
  return certificate;
}

// The RSA-2048 card key: its private half does the card's raw RSA with lib/smime's RSADP.
const rsaPair = await subtle.generateKey({ name: 'RSASSA-PKCS1-v1_5', modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]), hash: 'SHA-256' }, true, ['sign', 'verify']);
const rsaSpki = await subtle.exportKey('spki', rsaPair.publicKey);
const rsaKey: RsaPrivateKey = rsaPrivateKeyFromPkcs8(new Uint8Array(await subtle.exportKey('pkcs8', rsaPair.privateKey)));
const rsaCertificate = certificateFor(rsaSpki);
const rawRsa = (key: RsaPrivateKey, input: Uint8Array) => bigIntToBytes(rsaPrivateOperation(key, bytesToBigInt(input)), 256);

/**
 * The card's side of one RSA-2048 GENERAL AUTHENTICATE as the notes lay it out: two chained
 * parts, 256 bytes + 61 08, GET RESPONSE. `seen` receives the 256-byte input block.
 */
function rsaCard(slot: number, seen: Uint8Array[] = [], key: RsaPrivateKey = rsaKey): ScriptStep[] {
  let first: Uint8Array = new Uint8Array(0);
  let answer: Uint8Array = new Uint8Array(0);
  const p2 = slot.toString(16).padStart(2, '0');
  return [
    { command: startsWith(hex(`10 87 07 ${p2} ff 7c 82 01 06 82 00 81 82 01 00`), 260), response: (c) => ((first = c.slice(5)), ok()) },
    {
      command: startsWith(hex(`00 87 07 ${p2} 0b`), 17),
      response: (c) => {
        expect(c[16]).toBe(0x00); // Le
        const input = concatBytes(first, c.subarray(5, 16)).subarray(10);
        seen.push(input);
        answer = concatBytes(hex('7c 82 01 04 82 82 01 00'), rawRsa(key, input));
        return concatBytes(answer.subarray(0, 256), hex('61 08'));
      },
    },
    { command: hex('00 c0 00 00 08'), response: () => ok(answer.subarray(256)) },
  ];
}

const PIN_STATUS = hex('00 20 00 80');
const VERIFY_123456 = hex('00 20 00 80 08 31 32 33 34 35 36 ff ff');
const pinSteps = (retries = 3): ScriptStep[] => [
  { command: PIN_STATUS, response: hex(`63 c${retries}`) },
  { command: VERIFY_123456, response: ok() },
];

let transport: ScriptedTransport;
const cardClient = (steps: ScriptStep[]) => {
  transport = new ScriptedTransport(steps);
  return new PivClient(new Iso7816Session(transport));
};
afterEach(() => transport.assertDone());

const message = new TextEncoder().encode('signed attributes of an S/MIME message');

describe('card RSA signatures (9C, PIN always)', () => {
  it.each(['SHA-256', 'SHA-384', 'SHA-512'] as const)('builds EMSA-PKCS1-v1_5 with %s: the same signature WebCrypto makes', async (hash) => {
    const prompt = vi.fn<PinPrompt>(async () => '123456');
    const seen: Uint8Array[] = [];
    const key = cardKeyOperations(cardClient([...pinSteps(), ...rsaCard(0x9c, seen)]), 0x9c, rsaCertificate, prompt);
    expect(key).toMatchObject({ kind: 'rsa', modulusBits: 2048 });
    const signature = await key.sign!(message, { scheme: 'rsa-pkcs1', hash });
    expect(prompt).toHaveBeenCalledExactlyOnceWith({ slot: 0x9c, reason: 'pin-always', retriesLeft: 3 });
    expect(toHex(seen[0]!.subarray(0, 3))).toBe('0001ff');
    const signer = await subtle.importKey('pkcs8', await subtle.exportKey('pkcs8', rsaPair.privateKey), { name: 'RSASSA-PKCS1-v1_5', hash }, false, ['sign']);
    expect(signature).toEqual(new Uint8Array(await subtle.sign('RSASSA-PKCS1-v1_5', signer, own(message))));
  });

  it.each([
    ['SHA-256', 32],
    ['SHA-384', 48],
    ['SHA-512', 64],
    ['SHA-256', 0],
  ] as const)('builds EMSA-PSS with %s and a %d-byte salt, which WebCrypto verifies', async (hash, saltLength) => {
    const key = cardKeyOperations(cardClient([...pinSteps(), ...rsaCard(0x9c)]), 0x9c, rsaCertificate, async () => '123456');
    const signature = await key.sign!(message, { scheme: 'rsa-pss', hash, saltLength });
    const verifier = await subtle.importKey('spki', rsaSpki, { name: 'RSA-PSS', hash }, false, ['verify']);
    expect(await subtle.verify({ name: 'RSA-PSS', saltLength }, verifier, own(signature), own(message))).toBe(true);
    expect(await subtle.verify({ name: 'RSA-PSS', saltLength }, verifier, own(signature), own(message.subarray(1)))).toBe(false);
  });

  it('asks again after a wrong PIN, with the tries left', async () => {
    const prompt = vi.fn<PinPrompt>().mockResolvedValueOnce('000000').mockResolvedValueOnce('123456');
    const client = cardClient([
      { command: PIN_STATUS, response: hex('63 c3') },
      { command: hex('00 20 00 80 08 30 30 30 30 30 30 ff ff'), response: hex('63 c2') },
      { command: VERIFY_123456, response: ok() },
      ...rsaCard(0x9c),
    ]);
    await cardKeyOperations(client, 0x9c, rsaCertificate, prompt).sign!(message, { scheme: 'rsa-pkcs1', hash: 'SHA-256' });
    expect(prompt.mock.calls.map(([r]) => r)).toEqual([
      { slot: 0x9c, reason: 'pin-always', retriesLeft: 3 },
      { slot: 0x9c, reason: 'wrong-pin', retriesLeft: 2 },
    ]);
  });

  it('stops on cancel and on a blocked PIN, before any GENERAL AUTHENTICATE: key-unavailable for lib/smime, the TokenError as cause', async () => {
    const cancelled = cardKeyOperations(cardClient([{ command: PIN_STATUS, response: hex('63 c3') }]), 0x9c, rsaCertificate, async () => null);
    await expect(cancelled.sign!(message, { scheme: 'rsa-pkcs1', hash: 'SHA-256' })).rejects.toMatchObject({ code: 'key-unavailable', cause: { code: 'pin-required' } });
    transport.assertDone();
    const prompt = vi.fn<PinPrompt>(async () => '123456');
    const blocked = cardKeyOperations(cardClient([{ command: PIN_STATUS, response: hex('69 83') }]), 0x9c, rsaCertificate, prompt);
    await expect(blocked.sign!(message, { scheme: 'rsa-pkcs1', hash: 'SHA-256' })).rejects.toMatchObject({ code: 'key-unavailable', cause: { code: 'pin-blocked' } });
    expect(prompt).not.toHaveBeenCalled();
  });

  it('gives up after three wrong PINs in one operation', async () => {
    const wrong = hex('00 20 00 80 08 30 30 30 30 30 30 ff ff');
    const client = cardClient([
      { command: PIN_STATUS, response: hex('63 c9') },
      { command: wrong, response: hex('63 c8') },
      { command: wrong, response: hex('63 c7') },
      { command: wrong, response: hex('63 c6') },
    ]);
    const key = cardKeyOperations(client, 0x9c, rsaCertificate, async () => '000000');
    await expect(key.sign!(message, { scheme: 'rsa-pkcs1', hash: 'SHA-256' })).rejects.toMatchObject({ code: 'key-unavailable', cause: { code: 'wrong-pin', retriesLeft: 6 } });
  });

  it('refuses a signature that does not match the certificate (another key in the slot)', async () => {
    const other = await subtle.generateKey({ name: 'RSASSA-PKCS1-v1_5', modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]), hash: 'SHA-256' }, true, ['sign']);
    const otherKey = rsaPrivateKeyFromPkcs8(new Uint8Array(await subtle.exportKey('pkcs8', other.privateKey)));
    const key = cardKeyOperations(cardClient([...pinSteps(), ...rsaCard(0x9c, [], otherKey)]), 0x9c, rsaCertificate, async () => '123456');
    await expect(key.sign!(message, { scheme: 'rsa-pkcs1', hash: 'SHA-256' })).rejects.toMatchObject({ code: 'card-error' });
  });

  it('refuses SHA-1 and schemes the key cannot do', async () => {
    const key = cardKeyOperations(cardClient([]), 0x9c, rsaCertificate, async () => '123456');
    await expect(key.sign!(message, { scheme: 'rsa-pkcs1', hash: 'SHA-1' })).rejects.toMatchObject({ code: 'unsupported-algorithm' });
    await expect(key.sign!(message, { scheme: 'ecdsa', hash: 'SHA-256' })).rejects.toMatchObject({ code: 'unsupported-algorithm' });
  });
});

describe('card RSA key transport (9D)', () => {
  const cek = globalThis.crypto.getRandomValues(new Uint8Array(32));
  const rsaPublic = { n: rsaKey.n, e: rsaKey.e };

  it('asks the PIN only when the card answers 6982, then decrypts PKCS#1 v1.5', async () => {
    const prompt = vi.fn<PinPrompt>(async () => '123456');
    const client = cardClient([
      { command: startsWith(hex('10 87 07 9d ff')), response: hex('69 82') },
      ...pinSteps(2),
      ...rsaCard(0x9d),
    ]);
    const key = cardKeyOperations(client, 0x9d, rsaCertificate, prompt);
    expect(await key.decryptKeyTransport!(rsaesPkcs1v15Encrypt(rsaPublic, cek), { padding: 'pkcs1v15', keyLength: 32 })).toEqual(cek);
    expect(prompt).toHaveBeenCalledExactlyOnceWith({ slot: 0x9d, reason: 'pin-required', retriesLeft: 2 });
  });

  it('answers malformed PKCS#1 v1.5 paddings with random keys of the right length, never an error', async () => {
    const em = (edit: (block: Uint8Array) => void) => {
      const block = new Uint8Array(256).fill(0x5a);
      block[0] = 0;
      block[1] = 2;
      block[256 - 33] = 0;
      block.set(cek, 256 - 32);
      edit(block);
      return bigIntToBytes(modPow(bytesToBigInt(block), rsaKey.e, rsaKey.n), 256);
    };
    const ciphertexts = [
      em((b) => (b[0] = 1)),
      em((b) => (b[1] = 1)),
      em((b) => (b[256 - 33] = 7)), // no separator
      em((b) => b.fill(0, 2, 12)), // separator too early
      em((b) => ((b[256 - 33] = 0x5a), (b[256 - 25] = 0))), // a 24-byte key where 32 are expected
      rsaesPkcs1v15Encrypt(rsaPublic, cek.subarray(0, 16)),
      ...Array.from({ length: 10 }, () => bigIntToBytes(bytesToBigInt(globalThis.crypto.getRandomValues(new Uint8Array(256))) % rsaKey.n, 256)),
    ];
    const key = cardKeyOperations(cardClient(ciphertexts.flatMap(() => [...rsaCard(0x9d), ...rsaCard(0x9d)])), 0x9d, rsaCertificate, async () => null);
    for (const c of ciphertexts) {
      const first = await key.decryptKeyTransport!(c, { padding: 'pkcs1v15', keyLength: 32 });
      const second = await key.decryptKeyTransport!(c, { padding: 'pkcs1v15', keyLength: 32 });
      expect(first).toHaveLength(32);
      expect(first).not.toEqual(cek);
      expect(first).not.toEqual(second);
    }
  });

  it.each([
    ['SHA-256', undefined],
    ['SHA-1', undefined],
    ['SHA-384', hex('6c6162656c')],
  ] as const)('decrypts RSA-OAEP with %s that WebCrypto encrypted (label %s)', async (hash, label) => {
    const encryptor = await subtle.importKey('spki', rsaSpki, { name: 'RSA-OAEP', hash }, false, ['encrypt']);
    const c = new Uint8Array(await subtle.encrypt(label ? { name: 'RSA-OAEP', label: own(label) } : { name: 'RSA-OAEP' }, encryptor, own(cek)));
    const key = cardKeyOperations(cardClient(rsaCard(0x9d)), 0x9d, rsaCertificate, async () => null);
    expect(await key.decryptKeyTransport!(c, label ? { padding: 'oaep', hash: hash as HashName, label } : { padding: 'oaep', hash })).toEqual(cek);
  });

  it('fails every bad OAEP block with the same generic error', async () => {
    const encryptor = await subtle.importKey('spki', rsaSpki, { name: 'RSA-OAEP', hash: 'SHA-256' }, false, ['encrypt']);
    const good = new Uint8Array(await subtle.encrypt({ name: 'RSA-OAEP' }, encryptor, own(cek)));
    const cases: { c: Uint8Array; label?: Uint8Array; hash?: HashName }[] = [
      { c: rsaesPkcs1v15Encrypt(rsaPublic, cek) }, // PKCS#1 v1.5, not OAEP
      { c: good, label: hex('01') }, // wrong label
      { c: good, hash: 'SHA-1' }, // wrong hash
      { c: bigIntToBytes(bytesToBigInt(globalThis.crypto.getRandomValues(new Uint8Array(256))) % rsaKey.n, 256) },
      { c: bigIntToBytes(modPow(5n, rsaKey.e, rsaKey.n), 256) }, // Y = 0, all else wrong
    ];
    const key = cardKeyOperations(cardClient(cases.flatMap(() => rsaCard(0x9d))), 0x9d, rsaCertificate, async () => null);
    for (const { c, label, hash } of cases) {
      const padding = label ? { padding: 'oaep' as const, hash: hash ?? 'SHA-256', label } : { padding: 'oaep' as const, hash: hash ?? 'SHA-256' };
      await expect(key.decryptKeyTransport!(c, padding)).rejects.toMatchObject({ code: 'decryption-failed', message: 'The message could not be decrypted.' });
    }
  });

  it('refuses ciphertexts of the wrong length or out of range before the card sees them', async () => {
    const key = cardKeyOperations(cardClient([]), 0x9d, rsaCertificate, async () => null);
    await expect(key.decryptKeyTransport!(new Uint8Array(255), { padding: 'pkcs1v15', keyLength: 32 })).rejects.toMatchObject({ code: 'invalid-argument' });
    await expect(key.decryptKeyTransport!(bigIntToBytes(rsaKey.n, 256), { padding: 'pkcs1v15', keyLength: 32 })).rejects.toMatchObject({ code: 'invalid-argument' });
  });
});

describe('card EC keys', () => {
  it.each([
    ['P-256', 'SHA-256', '11', 32],
    ['P-384', 'SHA-384', '14', 48],
  ] as const)('signs ECDSA %s: the card gets the hash and its DER answer comes back', async (curve, hash, algorithm, size) => {
    const pair = await subtle.generateKey({ name: 'ECDSA', namedCurve: curve }, true, ['sign', 'verify']);
    const certificate = certificateFor(await subtle.exportKey('spki', pair.publicKey));
    const digest = new Uint8Array(await subtle.digest(hash, own(message)));
    let der: Uint8Array = new Uint8Array(0);
    const lc = (size + 6).toString(16);
    const command = concatBytes(hex(`00 87 ${algorithm} 9c ${lc} 7c ${(size + 4).toString(16)} 82 00 81 ${size.toString(16)}`), digest, hex('00'));
    const client = cardClient([
      ...pinSteps(),
      {
        command,
        // The card's ECDSA over exactly this hash: WebCrypto hashes the same message the same way.
        response: async () => {
          der = ecdsaRawToDer(new Uint8Array(await subtle.sign({ name: 'ECDSA', hash }, pair.privateKey, own(message))));
          return ok(encodeTlv(0x7c, encodeTlv(0x82, der)));
        },
      },
    ]);
    const key = cardKeyOperations(client, 0x9c, certificate, async () => '123456');
    expect(key).toMatchObject({ kind: 'ec', curve });
    const signature = await key.sign!(message, { scheme: 'ecdsa', hash });
    expect(signature).toEqual(der);
    expect(await subtle.verify({ name: 'ECDSA', hash }, pair.publicKey, own(ecdsaDerToRaw(signature, size)), own(message))).toBe(true);
  });

  it('derives ECDH Z for an originator key: 00 87 11 9D 47 7C 45 82 00 85 41 04 X Y 00', async () => {
    const card = await subtle.generateKey({ name: 'ECDH', namedCurve: 'P-256' }, true, ['deriveBits']);
    const originator = await subtle.generateKey({ name: 'ECDH', namedCurve: 'P-256' }, true, ['deriveBits']);
    const point = new Uint8Array(await subtle.exportKey('raw', originator.publicKey));
    const client = cardClient([
      {
        command: concatBytes(hex('00 87 11 9d 47 7c 45 82 00 85 41'), point, hex('00')),
        response: async (c) => {
          const peer = await subtle.importKey('raw', own(c.subarray(11, 76)), { name: 'ECDH', namedCurve: 'P-256' }, false, []);
          return ok(concatBytes(hex('7c 22 82 20'), new Uint8Array(await subtle.deriveBits({ name: 'ECDH', public: peer }, card.privateKey, 256))));
        },
      },
    ]);
    const key = cardKeyOperations(client, 0x9d, certificateFor(await subtle.exportKey('spki', card.publicKey)), async () => null);
    const z = await key.deriveSharedSecret!(new Uint8Array(await subtle.exportKey('spki', originator.publicKey)));
    expect(z).toEqual(new Uint8Array(await subtle.deriveBits({ name: 'ECDH', public: card.publicKey }, originator.privateKey, 256)));
  });

  it('refuses an originator key on another curve before the card sees it (the platform refuses the import, as for soft keys)', async () => {
    const card = await subtle.generateKey({ name: 'ECDH', namedCurve: 'P-256' }, true, ['deriveBits']);
    const other = await subtle.generateKey({ name: 'ECDH', namedCurve: 'P-384' }, true, ['deriveBits']);
    const key = cardKeyOperations(cardClient([]), 0x9d, certificateFor(await subtle.exportKey('spki', card.publicKey)), async () => null);
    await expect(key.deriveSharedSecret!(new Uint8Array(await subtle.exportKey('spki', other.publicKey)))).rejects.toMatchObject({ code: 'key-operation-failed' });
    await expect(key.deriveSharedSecret!(hex('3000'))).rejects.toMatchObject({ code: 'key-operation-failed' });
  });

  it('refuses keys PIV cannot hold', async () => {
    transport = new ScriptedTransport([]);
    const ed = await subtle.generateKey({ name: 'Ed25519' }, true, ['sign', 'verify']);
    const p521 = await subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-521' }, true, ['sign', 'verify']);
    const client = new PivClient(new Iso7816Session(transport));
    for (const pair of [ed, p521] as CryptoKeyPair[]) {
      const certificate = certificateFor(await subtle.exportKey('spki', pair.publicKey));
      expect(() => cardKeyOperations(client, 0x9c, certificate, async () => null)).toThrow(expect.objectContaining({ code: 'unsupported-algorithm' }));
    }
  });
});
