// CardCrypto as PKI.js's crypto: a CryptoEngine over it signs a CMS SignedData with a key on the
// (simulated) PIV card, without PKI.js knowing a card is there, and `openssl cms -verify` judges the
// result. The engine is passed to SignedData.sign, never set globally.
import fs from 'node:fs';

import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { afterAll, describe, expect, it, vi } from 'vitest';

import { PivClient } from '@/lib/webusb-token/piv/piv-client';
import { createPivSimulator } from '@/lib/webusb-token/simulator/piv-simulator';
import { simulatedCardTransport } from '@/lib/webusb-token/simulator/simulated-card-transport';
import { CardCrypto } from '@/lib/webusb-token/webcrypto/card-crypto';
import type { PinPrompt } from '@/lib/webusb-token/webcrypto/card-pin';

import { createTestPki, openssl, type TestKeyType } from '../support/test-pki';

const pki = createTestPki('sealpost-card-crypto-');
afterAll(() => pki.cleanup());

const CONTENT = new TextEncoder().encode('Content-Type: text/plain\r\n\r\nSigned by PKI.js with a key on the card.\r\n');
const OID = { data: '1.2.840.113549.1.7.1', signedData: '1.2.840.113549.1.7.2', contentType: '1.2.840.113549.1.9.3', messageDigest: '1.2.840.113549.1.9.4' };

const CASES: [string, TestKeyType, RsaHashedImportParams | EcKeyImportParams, string][] = [
  ['RSASSA-PKCS1-v1_5', 'rsa-2048', { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' }, 'SHA-256'],
  ['RSA-PSS', 'rsa-2048', { name: 'RSA-PSS', hash: 'SHA-384' }, 'SHA-384'],
  ['ECDSA P-256', 'p256', { name: 'ECDSA', namedCurve: 'P-256' }, 'SHA-256'],
  ['ECDSA P-384', 'p384', { name: 'ECDSA', namedCurve: 'P-384' }, 'SHA-384'],
];

let counter = 0;
function opensslVerify(der: Uint8Array): string {
  const file = pki.file(`card-crypto-${++counter}.p7m`);
  fs.writeFileSync(file, der);
  return openssl(['cms', '-verify', '-inform', 'DER', '-in', file, '-CAfile', pki.root.certPath, '-purpose', 'smimesign']).toString('utf8');
}

/** An attached SignedData of CONTENT with contentType and messageDigest signed attributes (RFC 5652 section 5.3), signed through `engine`. */
async function signWithEngine(certificate: pkijs.Certificate, key: CryptoKey, hash: string, engine: pkijs.ICryptoEngine): Promise<Uint8Array> {
  const digest = await engine.digest({ name: hash }, CONTENT);
  const attribute = (type: string, value: asn1js.AsnType) => new pkijs.Attribute({ type, values: [value] });
  const signedData = new pkijs.SignedData({
    version: 1,
    encapContentInfo: new pkijs.EncapsulatedContentInfo({ eContentType: OID.data, eContent: new asn1js.OctetString({ valueHex: CONTENT }) }),
    certificates: [certificate],
    signerInfos: [
      new pkijs.SignerInfo({
        version: 1,
        sid: new pkijs.IssuerAndSerialNumber({ issuer: certificate.issuer, serialNumber: certificate.serialNumber }),
        signedAttrs: new pkijs.SignedAndUnsignedAttributes({ type: 0, attributes: [attribute(OID.contentType, new asn1js.ObjectIdentifier({ value: OID.data })), attribute(OID.messageDigest, new asn1js.OctetString({ valueHex: digest }))] }),
      }),
    ],
  });
  await signedData.sign(key, 0, hash, undefined, engine);
  return new Uint8Array(new pkijs.ContentInfo({ contentType: OID.signedData, content: signedData.toSchema(true) }).toSchema().toBER(false));
}

describe.each(CASES)('PKI.js signs %s with a card key through CardCrypto', (_, keyType, algorithm, hash) => {
  it('openssl cms -verify accepts the SignedData, and refuses it with one content byte changed', async () => {
    const issued = pki.issue({ name: `card-crypto-${keyType}-${algorithm.name}`, key: keyType });
    const certificate = pkijs.Certificate.fromBER(new Uint8Array(issued.certDer));
    const card = createPivSimulator({ slots: { 0x9c: { privateKeyPkcs8: issued.keyPkcs8, certificateDer: issued.certDer } } });
    const client = await PivClient.open(simulatedCardTransport(card));
    const askPin = vi.fn<PinPrompt>(async () => '123456');
    const cardCrypto = new CardCrypto();
    const key = cardCrypto.subtle.cardKey({ client, slot: 0x9c, certificate, askPin }, algorithm, ['sign']);

    const der = await signWithEngine(certificate, key, hash, new pkijs.CryptoEngine({ name: 'card', crypto: cardCrypto }));
    expect(opensslVerify(der)).toBe(new TextDecoder().decode(CONTENT));
    expect(askPin).toHaveBeenCalledExactlyOnceWith({ slot: 0x9c, reason: 'pin-always', retriesLeft: 3 });

    // The judge can say no: the same SignedData with the content's last byte flipped.
    const tampered = new Uint8Array(der);
    const contentEnd = tampered.findIndex((__, i) => CONTENT.every((b, j) => der[i + j] === b)) + CONTENT.length - 1;
    expect(contentEnd).toBeGreaterThan(0);
    tampered[contentEnd]! ^= 0x01;
    expect(() => opensslVerify(tampered)).toThrow();
  });
});
