// Which failures of a key reach the caller: 'key-unavailable' (the key cannot run now: a card
// removed, a PIN not given) passes through unchanged; every failure that depends on the
// ciphertext stays the one generic 'decryption-failed'.
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { describe, expect, it } from 'vitest';

import { makeTestCertificate } from '../certs/test-certificate-factory';
import { SmimeError } from '../errors';
import type { Identity, KeyOperations } from '../keys/key-operations';
import { OID } from '../oids';
import { decryptEnvelope } from './decrypt-envelope';
import { encryptEnvelope } from './encrypt-envelope';
import { decryptTransportedKey } from './envelope/key-transport';

const unavailable = () => new SmimeError('key-unavailable', 'The PIN was not entered.', { cause: new Error('pin-required') });

function transportInfo(): pkijs.KeyTransRecipientInfo {
  return new pkijs.KeyTransRecipientInfo({
    keyEncryptionAlgorithm: new pkijs.AlgorithmIdentifier({ algorithmId: OID.rsaEncryption, algorithmParams: new asn1js.Null() }),
    encryptedKey: new asn1js.OctetString({ valueHex: new Uint8Array(256).fill(7).buffer }),
  });
}

const rsaKey = (decryptKeyTransport: KeyOperations['decryptKeyTransport']): KeyOperations => ({ kind: 'rsa', modulusBits: 2048, decryptKeyTransport });

async function failure(promise: Promise<unknown>): Promise<SmimeError> {
  const error = await promise.then(() => null, (e: unknown) => e);
  expect(error).toBeInstanceOf(SmimeError);
  return error as SmimeError;
}

describe('key transport: which key failures pass through', () => {
  it('passes key-unavailable through unchanged, cause and all', async () => {
    const error = unavailable();
    expect(await failure(decryptTransportedKey(transportInfo(), rsaKey(async () => Promise.reject(error)), 32))).toBe(error);
  });

  it('turns anything else the key throws (a padding error, a card error, a plain Error) into decryption-failed', async () => {
    for (const thrown of [new SmimeError('decryption-failed', 'bad OAEP'), new SmimeError('malformed-ciphertext', 'too long'), new Error('card-error')]) {
      const error = await failure(decryptTransportedKey(transportInfo(), rsaKey(async () => Promise.reject(thrown)), 32));
      expect(error.code).toBe('decryption-failed');
      expect(error.message).toBe('The message could not be decrypted.');
    }
  });
});

describe('key agreement and the choice among recipients', () => {
  const content = new TextEncoder().encode('Content-Type: text/plain\r\n\r\nhello\r\n');

  it('says key-unavailable when a key that could not run might have opened it, else one generic failure', async () => {
    const { certificate } = await makeTestCertificate({ subject: [{ type: '2.5.4.3', value: 'ec recipient' }] });
    const der = (await encryptEnvelope(content, [certificate])).der;
    const cannotRun: Identity = { certificate, key: { kind: 'ec', curve: 'P-256', deriveSharedSecret: async () => Promise.reject(unavailable()) } };
    const wrongSecret: Identity = { certificate, key: { kind: 'ec', curve: 'P-256', deriveSharedSecret: async () => new Uint8Array(32).fill(1) } };

    expect((await failure(decryptEnvelope(der, [cannotRun]))).code).toBe('key-unavailable');
    expect((await failure(decryptEnvelope(der, [wrongSecret, cannotRun]))).code).toBe('key-unavailable');
    expect((await failure(decryptEnvelope(der, [cannotRun, wrongSecret]))).code).toBe('key-unavailable');
    expect((await failure(decryptEnvelope(der, [wrongSecret]))).code).toBe('decryption-failed');
  });
});
