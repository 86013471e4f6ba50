// Our PIV client and card keys against the PIV simulator (written apart from them, and itself
// accepted by OpenSC and yubico-piv-tool), in-process and through our CCID driver on the CCID
// device simulator at each exchange level. Every key operation is judged by WebCrypto.
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { beforeAll, describe, expect, it, vi } from 'vitest';

import { rsaesPkcs1v15Encrypt } from '../../smime/rsa/rsaes-pkcs1-v1_5';
import { bytesToBigInt } from '../../smime/rsa/big-int-bytes';
import { openCcidReader } from '../ccid/ccid-reader';
import { CcidDeviceSimulator } from '../simulator/ccid-device-simulator';
import { createPivSimulator, type PivSimulatorProfile } from '../simulator/piv-simulator';
import { simulatedCardTransport } from '../simulator/simulated-card-transport';
import { type TestCardKey, makeTestCardKey } from '../simulator/test-card-key';
import type { ApduTransport } from '../transport';
import { type PinPrompt, type PinRequest, cardKeyOperations } from './card-key';
import { PivClient } from './piv-client';

const subtle = globalThis.crypto.subtle;
const own = (b: Uint8Array) => new Uint8Array(b) as Uint8Array<ArrayBuffer>;
const hex = (b: Uint8Array) => Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');

let keys: Record<'auth' | 'sign' | 'keyManagement' | 'cardAuth' | 'retiredEc' | 'retiredRsa', TestCardKey>;
let profile: PivSimulatorProfile;

beforeAll(async () => {
  keys = {
    auth: await makeTestCardKey({ name: 'EC', curve: 'P-256' }, 1),
    sign: await makeTestCardKey({ name: 'RSA' }, 2, 600),
    keyManagement: await makeTestCardKey({ name: 'RSA' }, 3),
    cardAuth: await makeTestCardKey({ name: 'EC', curve: 'P-384' }, 4),
    retiredEc: await makeTestCardKey({ name: 'EC', curve: 'P-256' }, 5),
    retiredRsa: await makeTestCardKey({ name: 'RSA' }, 6, 300),
  };
  const slot = (key: TestCardKey, compressCertificate = false) => ({ privateKeyPkcs8: key.pkcs8, certificateDer: key.der, compressCertificate });
  profile = {
    slots: {
      0x9a: slot(keys.auth),
      0x9c: slot(keys.sign, true),
      0x9d: slot(keys.keyManagement),
      0x9e: slot(keys.cardAuth),
      0x82: slot(keys.retiredEc),
      0x83: slot(keys.retiredRsa, true),
    },
  };
});

type Level = 'in-process' | 'in-process-short' | 'tpdu' | 'short-apdu' | 'extended-apdu';

async function openCard(level: Level): Promise<{ client: PivClient; transport: ApduTransport }> {
  const card = createPivSimulator(profile);
  const transport =
    level === 'in-process' || level === 'in-process-short'
      ? simulatedCardTransport(card, { extendedLength: level === 'in-process' })
      : await openCcidReader(new CcidDeviceSimulator({ level, card }));
  return { client: await PivClient.open(transport), transport };
}

const pin = (value: string | null) => vi.fn<PinPrompt>(async () => value);

describe.each<Level>(['in-process', 'in-process-short', 'tpdu', 'short-apdu', 'extended-apdu'])('PivClient and card keys against the PIV simulator (%s)', (level) => {
  it('reads every certificate byte for byte: the four slots, gzip ones, and the retired slots Key History counts', async () => {
    const { client, transport } = await openCard(level);
    expect(await client.readKeyHistory()).toEqual({ onCardCertificates: 2, offCardCertificates: 0 });
    const certificates = await client.readCertificates();
    expect(certificates.map((c) => c.slot)).toEqual([0x9a, 0x9c, 0x9d, 0x9e, 0x82, 0x83]);
    const expected = [keys.auth, keys.sign, keys.keyManagement, keys.cardAuth, keys.retiredEc, keys.retiredRsa];
    certificates.forEach((c, i) => expect(hex(c.der)).toBe(hex(expected[i]!.der)));
    expect(await client.readCertificate(0x84)).toBeNull();
    await transport.close();
  });

  it('VERIFY: the retry counter goes down on a wrong PIN, back up on the right one, and blocks at zero', async () => {
    const { client } = await openCard(level);
    expect(await client.pinStatus()).toEqual({ verified: false, retriesLeft: 3, blocked: false });
    await expect(client.verifyPin('654321')).rejects.toMatchObject({ code: 'wrong-pin', retriesLeft: 2 });
    expect(await client.pinStatus()).toEqual({ verified: false, retriesLeft: 2, blocked: false });
    await client.verifyPin('123456');
    expect(await client.pinStatus()).toEqual({ verified: true });
    await client.select(); // SELECT drops the security status
    expect(await client.pinStatus()).toEqual({ verified: false, retriesLeft: 3, blocked: false });
    await expect(client.verifyPin('000000')).rejects.toMatchObject({ code: 'wrong-pin', retriesLeft: 2 });
    await expect(client.verifyPin('000000')).rejects.toMatchObject({ code: 'wrong-pin', retriesLeft: 1 });
    await expect(client.verifyPin('000000')).rejects.toMatchObject({ code: 'pin-blocked' });
    expect(await client.pinStatus()).toEqual({ verified: false, retriesLeft: 0, blocked: true });
    await expect(client.verifyPin('123456')).rejects.toMatchObject({ code: 'pin-blocked' });
  });

  it('RSA-2048 signatures from 9C (PIN always): PKCS#1 v1.5 and PSS, verified by WebCrypto', async () => {
    const { client } = await openCard(level);
    const prompt = pin('123456');
    const key = cardKeyOperations(client, 0x9c, keys.sign.certificate, prompt);
    const data = new TextEncoder().encode('signed attributes');
    const spki = await subtle.exportKey('spki', keys.sign.publicKey);
    const pkcs1 = await key.sign!(data, { scheme: 'rsa-pkcs1', hash: 'SHA-256' });
    const pkcs1Key = await subtle.importKey('spki', spki, { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' }, false, ['verify']);
    expect(await subtle.verify('RSASSA-PKCS1-v1_5', pkcs1Key, own(pkcs1), own(data))).toBe(true);
    const pss = await key.sign!(data, { scheme: 'rsa-pss', hash: 'SHA-384', saltLength: 48 });
    const pssKey = await subtle.importKey('spki', spki, { name: 'RSA-PSS', hash: 'SHA-384' }, false, ['verify']);
    expect(await subtle.verify({ name: 'RSA-PSS', saltLength: 48 }, pssKey, own(pss), own(data))).toBe(true);
    // A fresh VERIFY before each use of the PIN-always key.
    expect(prompt.mock.calls.map(([r]) => r.reason)).toEqual(['pin-always', 'pin-always']);
  });

  it('ECDSA from 9A (P-256, PIN once) and 9E (P-384, no PIN), verified by WebCrypto', async () => {
    const { client } = await openCard(level);
    const data = new TextEncoder().encode('an ECDSA-signed message');
    const prompt = pin('123456');
    for (const [slot, key, curve, hash] of [[0x9a, keys.auth, 'P-256', 'SHA-256'], [0x9e, keys.cardAuth, 'P-384', 'SHA-384']] as const) {
      const der = await cardKeyOperations(client, slot, key.certificate, prompt).sign!(data, { scheme: 'ecdsa', hash });
      const raw = ecdsaRaw(der, curve === 'P-256' ? 32 : 48);
      const verifier = await subtle.importKey('spki', await subtle.exportKey('spki', key.publicKey), { name: 'ECDSA', namedCurve: curve }, false, ['verify']);
      expect(await subtle.verify({ name: 'ECDSA', hash }, verifier, own(raw), own(data))).toBe(true);
    }
    expect(prompt).toHaveBeenCalledTimes(1);
    expect(prompt.mock.calls[0]![0]).toEqual<PinRequest>({ slot: 0x9a, reason: 'pin-required', retriesLeft: 3 });
  });

  it('RSA key transport with 9D and the retired 83: PKCS#1 v1.5 (implicit rejection on bad padding) and OAEP', async () => {
    const { client } = await openCard(level);
    const cek = globalThis.crypto.getRandomValues(new Uint8Array(32));
    for (const [slot, cardKeyPair] of [[0x9d, keys.keyManagement], [0x83, keys.retiredRsa]] as const) {
      const key = cardKeyOperations(client, slot, cardKeyPair.certificate, pin('123456'));
      const spki = await subtle.exportKey('spki', cardKeyPair.publicKey);
      const parsed = cardKeyPair.certificate.subjectPublicKeyInfo.parsedKey as pkijs.RSAPublicKey;
      const publicKey = { n: bytesToBigInt(parsed.modulus.valueBlock.valueHexView), e: bytesToBigInt(parsed.publicExponent.valueBlock.valueHexView) };
      expect(hex(await key.decryptKeyTransport!(rsaesPkcs1v15Encrypt(publicKey, cek), { padding: 'pkcs1v15', keyLength: 32 }))).toBe(hex(cek));
      for (const hash of ['SHA-1', 'SHA-256'] as const) {
        const oaepKey = await subtle.importKey('spki', spki, { name: 'RSA-OAEP', hash }, false, ['encrypt']);
        const label = hash === 'SHA-256' ? Uint8Array.of(1, 2, 3) : undefined;
        const ciphertext = new Uint8Array(await subtle.encrypt({ name: 'RSA-OAEP', ...(label ? { label: own(label) } : {}) }, oaepKey, own(cek)));
        expect(hex(await key.decryptKeyTransport!(ciphertext, { padding: 'oaep', hash, ...(label ? { label } : {}) }))).toBe(hex(cek));
        if (hash === 'SHA-256') {
          // The wrong label is one generic failure; OAEP bytes read as PKCS#1 v1.5 give random bytes, not an error.
          await expect(key.decryptKeyTransport!(ciphertext, { padding: 'oaep', hash, label: Uint8Array.of(9) })).rejects.toMatchObject({ code: 'decryption-failed' });
          const rejected = await key.decryptKeyTransport!(ciphertext, { padding: 'pkcs1v15', keyLength: 32 });
          expect(rejected.length).toBe(32);
          expect(hex(rejected)).not.toBe(hex(cek));
        }
      }
    }
  });

  it('ECDH with the retired P-256 key (82): the shared secret WebCrypto computes from the other side', async () => {
    const { client } = await openCard(level);
    const ephemeral = await subtle.generateKey({ name: 'ECDH', namedCurve: 'P-256' }, true, ['deriveBits']);
    const key = cardKeyOperations(client, 0x82, keys.retiredEc.certificate, pin('123456'));
    const z = await key.deriveSharedSecret!(new Uint8Array(await subtle.exportKey('spki', ephemeral.publicKey)));
    const cardPublic = await subtle.importKey('spki', await subtle.exportKey('spki', keys.retiredEc.publicKey), { name: 'ECDH', namedCurve: 'P-256' }, false, []);
    const expected = new Uint8Array(await subtle.deriveBits({ name: 'ECDH', public: cardPublic }, ephemeral.privateKey, 256));
    expect(hex(z)).toBe(hex(expected));
  });
});

/** DER ECDSA-Sig-Value to r || s, each `half` bytes, as WebCrypto verifies. */
function ecdsaRaw(der: Uint8Array, half: number): Uint8Array {
  const sequence = asn1js.fromBER(der).result as asn1js.Sequence;
  const out = new Uint8Array(2 * half);
  sequence.valueBlock.value.forEach((value, i) => {
    let bytes = (value as asn1js.Integer).valueBlock.valueHexView;
    while (bytes.length > half && bytes[0] === 0) bytes = bytes.subarray(1);
    out.set(bytes, (i + 1) * half - bytes.length);
  });
  return out;
}
