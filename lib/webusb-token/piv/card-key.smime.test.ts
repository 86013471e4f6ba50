// Card keys inside lib/smime's envelopes and signatures, on the PIV simulator: what reaches the
// reader of a message when the card cannot be used (key-unavailable, with the card's error as
// cause) and when the ciphertext is bad (the one generic 'decryption-failed').
import { beforeAll, describe, expect, it, vi } from 'vitest';

import { decryptEnvelope } from '../../smime/cms/decrypt-envelope';
import { type EncryptOptions, encryptEnvelope } from '../../smime/cms/encrypt-envelope';
import { signData } from '../../smime/cms/sign-data';
import { SmimeError } from '../../smime/errors';
import type { Identity } from '../../smime/keys/key-operations';
import { TokenError } from '../errors';
import { createPivSimulator } from '../simulator/piv-simulator';
import { simulatedCardTransport } from '../simulator/simulated-card-transport';
import { type TestCardKey, makeTestCardKey } from '../simulator/test-card-key';
import { type PinPrompt, cardKeyOperations } from './card-key';
import { PivClient } from './piv-client';

const content = new TextEncoder().encode('Content-Type: text/plain\r\n\r\nfor the card holder\r\n');
let rsa: TestCardKey;
let ec: TestCardKey;

beforeAll(async () => {
  rsa = await makeTestCardKey({ name: 'RSA' }, 1);
  ec = await makeTestCardKey({ name: 'EC', curve: 'P-256' }, 2);
});

async function card(askPin: PinPrompt) {
  const transport = simulatedCardTransport(createPivSimulator({ slots: { 0x9d: { privateKeyPkcs8: rsa.pkcs8, certificateDer: rsa.der }, 0x82: { privateKeyPkcs8: ec.pkcs8, certificateDer: ec.der } } }));
  const client = await PivClient.open(transport);
  const identity = (key: TestCardKey, slot: number): Identity => ({ certificate: key.certificate, key: cardKeyOperations(client, slot, key.certificate, askPin) });
  return { transport, rsaIdentity: identity(rsa, 0x9d), ecIdentity: identity(ec, 0x82) };
}

async function rejection(promise: Promise<unknown>): Promise<SmimeError> {
  const error = await promise.then(() => null, (e: unknown) => e);
  expect(error).toBeInstanceOf(SmimeError);
  return error as SmimeError;
}

const CASES: [string, EncryptOptions, 'rsa' | 'ec'][] = [
  ['RSA PKCS#1 v1.5', {}, 'rsa'],
  ['RSA-OAEP', { rsaPadding: 'oaep' }, 'rsa'],
  ['ECDH P-256 (retired slot)', { cipher: 'aes-128-gcm' }, 'ec'],
];

describe.each(CASES)('a card key opening %s envelopes', (_, options, kind) => {
  const identityOf = (c: Awaited<ReturnType<typeof card>>) => (kind === 'rsa' ? c.rsaIdentity : c.ecIdentity);
  const envelopeFor = async () => (await encryptEnvelope(content, [(kind === 'rsa' ? rsa : ec).certificate], options)).der;

  it('opens it once the PIN is given', async () => {
    const prompt = vi.fn<PinPrompt>(async () => '123456');
    const opened = await decryptEnvelope(await envelopeFor(), [identityOf(await card(prompt))]);
    expect(new TextDecoder().decode(opened.content)).toBe(new TextDecoder().decode(content));
    expect(prompt).toHaveBeenCalledOnce();
  });

  it('a cancelled PIN is key-unavailable with the TokenError as cause, not decryption-failed', async () => {
    const error = await rejection(decryptEnvelope(await envelopeFor(), [identityOf(await card(async () => null))]));
    expect(error.code).toBe('key-unavailable');
    expect(error.cause).toBeInstanceOf(TokenError);
    expect(error.cause).toMatchObject({ code: 'pin-required' });
  });

  it('a removed card is key-unavailable (card-removed)', async () => {
    const c = await card(async () => '123456');
    c.transport.removeCard();
    const error = await rejection(decryptEnvelope(await envelopeFor(), [identityOf(c)]));
    expect(error).toMatchObject({ code: 'key-unavailable', cause: { code: 'card-removed' } });
  });

  it('three wrong PINs (the card blocks) are key-unavailable, and a bad ciphertext stays the generic failure', async () => {
    const wrong = await rejection(decryptEnvelope(await envelopeFor(), [identityOf(await card(async () => '999999'))]));
    expect(wrong).toMatchObject({ code: 'key-unavailable', cause: { code: 'pin-blocked' } });

    // Flip a byte of the encrypted key (RSA: the last byte of the ciphertext; ECDH: of the wrapped key).
    const der = await envelopeFor();
    const marker = kind === 'rsa' ? 256 : 24;
    const tampered = tamperEncryptedKey(der, marker);
    const generic = await rejection(decryptEnvelope(tampered, [identityOf(await card(async () => '123456'))]));
    expect(generic.code).toBe('decryption-failed');
  });
});

describe('a card key signing', () => {
  it('a cancelled PIN on the signature key surfaces as key-unavailable', async () => {
    const transport = simulatedCardTransport(createPivSimulator({ slots: { 0x9c: { privateKeyPkcs8: rsa.pkcs8, certificateDer: rsa.der } } }));
    const client = await PivClient.open(transport);
    const signer: Identity = { certificate: rsa.certificate, key: cardKeyOperations(client, 0x9c, rsa.certificate, async () => null) };
    const error = await rejection(signData(content, signer, { detached: true }));
    expect(error).toMatchObject({ code: 'key-unavailable', cause: { code: 'pin-required' } });
  });
});

/**
 * The envelope with one byte of the recipient's encrypted key flipped: found as the OCTET STRING
 * of `length` bytes (04 82 01 00 for RSA-2048; 04 18 for a wrapped AES-128 key).
 */
function tamperEncryptedKey(der: Uint8Array, length: number): Uint8Array {
  const header = length > 255 ? [0x04, 0x82, length >> 8, length & 0xff] : [0x04, length];
  const at = der.findIndex((_, i) => header.every((b, j) => der[i + j] === b));
  expect(at).toBeGreaterThan(0);
  const out = new Uint8Array(der);
  out[at + header.length + length - 1]! ^= 0x01;
  return out;
}
