import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { describe, expect, it } from 'vitest';

import { contentDecryptionFor, prepareContentEncryption, readGcmParameters, type SendCipherName } from './content-cipher';

const algorithmOf = (sequence: asn1js.Sequence) => new pkijs.AlgorithmIdentifier({ schema: asn1js.fromBER(sequence.toBER()).result });
const codeOf = (promise: Promise<unknown>) => promise.then(() => 'no error', (error: { code?: string }) => error.code);
const gcmParams = (...value: asn1js.AsnType[]) => asn1js.fromBER(new asn1js.Sequence({ value }).toBER()).result;

describe('content ciphers', () => {
  it.each<SendCipherName>(['aes-128-cbc', 'aes-192-cbc', 'aes-256-cbc', 'aes-128-gcm', 'aes-256-gcm'])('%s round-trips; a wrong key or a flipped bit is decryption-failed', async (name) => {
    const plaintext = new TextEncoder().encode('a MIME entity\r\n'.repeat(10));
    const key = keyFor(name);
    const encryption = await prepareContentEncryption(name, key, plaintext);
    const sealed = { ciphertext: new Uint8Array(encryption.ciphertextLength), mac: encryption.mac ?? undefined };
    await encryption.writeCiphertext(sealed.ciphertext);
    const opened = contentDecryptionFor(algorithmOf(encryption.algorithm));
    expect(opened.name).toBe(name);
    expect(await opened.decrypt(key, sealed.ciphertext, sealed.mac)).toEqual(plaintext);
    const otherKey = keyFor(name).map((b) => b ^ 1);
    const flipped = sealed.ciphertext.slice();
    flipped[flipped.length - 1]! ^= 1;
    if (opened.authenticated) expect(await codeOf(opened.decrypt(otherKey, sealed.ciphertext, sealed.mac))).toBe('decryption-failed');
    if (opened.authenticated) expect(await codeOf(opened.decrypt(key, flipped, sealed.mac))).toBe('decryption-failed');
    expect(await codeOf(opened.decrypt(key.subarray(1), sealed.ciphertext, sealed.mac))).toBe('decryption-failed');
  });

  it('reads GCMParameters with the default tag length, and refuses tags under 12 bytes', () => {
    expect(readGcmParameters(gcmParams(new asn1js.OctetString({ valueHex: new Uint8Array(12).buffer })))).toEqual({ nonce: new Uint8Array(12), tagLength: 12 });
    expect(readGcmParameters(gcmParams(new asn1js.OctetString({ valueHex: new Uint8Array(12).buffer }), new asn1js.Integer({ value: 16 }))).tagLength).toBe(16);
    expect(() => readGcmParameters(gcmParams(new asn1js.OctetString({ valueHex: new Uint8Array(12).buffer }), new asn1js.Integer({ value: 8 })))).toThrow(expect.objectContaining({ code: 'malformed-cms' }));
    // pkijs's own GCM output: the nonce as a bare OCTET STRING.
    expect(() => readGcmParameters(new asn1js.OctetString({ valueHex: new Uint8Array(16).buffer }))).toThrow(expect.objectContaining({ code: 'malformed-cms' }));
  });

  it('names unknown content ciphers unsupported-algorithm', () => {
    expect(() => contentDecryptionFor(new pkijs.AlgorithmIdentifier({ algorithmId: '1.2.840.113549.3.4' }))).toThrow(expect.objectContaining({ code: 'unsupported-algorithm' }));
  });
});

function keyFor(name: SendCipherName): Uint8Array {
  const length = { 'aes-128-cbc': 16, 'aes-192-cbc': 24, 'aes-256-cbc': 32, 'aes-128-gcm': 16, 'aes-256-gcm': 32 }[name];
  return crypto.getRandomValues(new Uint8Array(length));
}
