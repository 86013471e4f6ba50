// End-to-end S/MIME with keys on a (simulated) PIV card, judged by OpenSSL: OpenSSL makes the keys
// and certificates, the PIV simulator holds them (9C signing, 9D key management, retired 82 with an
// older key), our CCID driver reaches it through the CCID device simulator at TPDU level (the
// CAC-reader case) or in-process, and lib/smime signs and decrypts with cardKeyOperations.
// `openssl cms -verify` judges our signatures; `openssl cms -encrypt` makes the mail we open.
import fs from 'node:fs';

import * as pkijs from 'pkijs';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';

import { readMessage, signMessage, type Identity, type TrustSettings } from '@/lib/smime';
import { openCcidReader } from '@/lib/webusb-token/ccid/ccid-reader';
import { type PinPrompt, type PinRequest, cardKeyOperations } from '@/lib/webusb-token/piv/card-key';
import { PivClient } from '@/lib/webusb-token/piv/piv-client';
import { CcidDeviceSimulator } from '@/lib/webusb-token/simulator/ccid-device-simulator';
import { createPivSimulator } from '@/lib/webusb-token/simulator/piv-simulator';
import { simulatedCardTransport } from '@/lib/webusb-token/simulator/simulated-card-transport';

import { openPcscTransport } from '../support/pcsc-transport';
import { freeVpcdPort, startPcscd, vpcdReader, type Pcscd } from '../support/pcscd';
import { createTestPki, openssl, type IssuedCert, type TestKeyType } from '../support/test-pki';
import { attachCardToVpcd, type VpcdCard } from '../support/vpcd-card';

const pki = createTestPki('sealpost-card-smime-');
afterAll(() => pki.cleanup());

const EMAIL = 'holder@example.test';
const TEXT = 'The card holder writes: meet at the usual place, 10:00.';
const MESSAGE = `From: ${EMAIL}\r\nTo: bob@example.test\r\nSubject: card mail\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=us-ascii\r\n\r\n${TEXT}\r\n`;
const trust = (): TrustSettings => ({ anchors: [pkijs.Certificate.fromBER(new Uint8Array(pki.root.certDer))], revocation: 'off' });

interface CardKeys {
  sign: IssuedCert;
  keyManagement: IssuedCert;
  retired: IssuedCert;
}

const FAMILIES: [string, TestKeyType][] = [['RSA-2048', 'rsa-2048'], ['P-256', 'p256'], ['P-384', 'p384']];
const cardKeys = new Map<TestKeyType, CardKeys>(
  FAMILIES.map(([, key]) => [
    key,
    {
      sign: pki.issue({ name: `${key}-sign`, key, email: EMAIL }),
      keyManagement: pki.issue({ name: `${key}-km`, key, email: EMAIL }),
      retired: pki.issue({ name: `${key}-old`, key, email: EMAIL }),
    },
  ]),
);

type Path = 'ccid-tpdu' | 'in-process';

const slot = (cert: IssuedCert, compressCertificate = false) => ({ privateKeyPkcs8: cert.keyPkcs8, certificateDer: cert.certDer, compressCertificate });
const simulatedCard = (keys: CardKeys) => createPivSimulator({ slots: { 0x9c: slot(keys.sign), 0x9d: slot(keys.keyManagement, true), 0x82: slot(keys.retired) } });

/** A fresh card with `keys`, opened over `path`. */
async function openCard(keys: CardKeys, path: Path, askPin: PinPrompt) {
  const card = simulatedCard(keys);
  const transport = path === 'in-process' ? simulatedCardTransport(card, { extendedLength: false }) : await openCcidReader(new CcidDeviceSimulator({ level: 'tpdu', card }));
  return cardIdentities(await PivClient.open(transport), askPin);
}

/** Identities built from the certificates read off the card. */
async function cardIdentities(client: PivClient, askPin: PinPrompt) {
  const certificates = await client.readCertificates();
  expect(certificates.map((c) => c.slot)).toEqual([0x9c, 0x9d, 0x82]);
  const identity = (slot: number): Identity => {
    const certificate = pkijs.Certificate.fromBER(new Uint8Array(certificates.find((c) => c.slot === slot)!.der));
    return { certificate, key: cardKeyOperations(client, slot, certificate, askPin) };
  };
  return { client, signer: identity(0x9c), decryptors: [identity(0x9d), identity(0x82)] };
}

let counter = 0;
const file = (bytes: Uint8Array | string) => {
  const name = pki.file(`card-${++counter}.eml`);
  fs.writeFileSync(name, bytes);
  return name;
};

/** `openssl cms -encrypt` of MESSAGE's body part to `recipient`, as a whole S/MIME message. */
function opensslEncrypt(recipient: IssuedCert, keyopts: string[] = []): Uint8Array {
  const entity = file(`Content-Type: text/plain; charset=us-ascii\r\n\r\n${TEXT}\r\n`);
  const args = ['cms', '-encrypt', '-aes-256-cbc', '-in', entity, '-from', EMAIL, '-to', 'bob@example.test', '-subject', 'card mail', '-recip', recipient.certPath, ...keyopts.flatMap((k) => ['-keyopt', k])];
  return new Uint8Array(openssl(args));
}

/** OpenSSL's verdict on a whole signed message, and the content it says was signed. */
function opensslVerify(signed: Uint8Array): string {
  return openssl(['cms', '-verify', '-in', file(signed), '-CAfile', pki.root.certPath, '-purpose', 'smimesign']).toString('utf8');
}

const pin = (...answers: (string | null)[]) => vi.fn<PinPrompt>(async () => (answers.length > 1 ? answers.shift()! : answers[0]!));

describe.each(FAMILIES)('%s card keys', (_, keyType) => {
  const keys = cardKeys.get(keyType)!;
  const rsa = keyType.startsWith('rsa');

  describe.each<Path>(['ccid-tpdu', 'in-process'])('over %s', (path) => {
    it.each([false, true])('signs with 9C (opaque %s); openssl cms -verify accepts it', async (opaque) => {
      const prompt = pin('123456');
      const { signer } = await openCard(keys, path, prompt);
      const signed = await signMessage(new TextEncoder().encode(MESSAGE), signer, { opaque });
      const text = new TextDecoder().decode(signed);
      expect(text).toContain(opaque ? 'smime-type=signed-data' : 'multipart/signed');
      expect(opensslVerify(signed)).toContain(TEXT);
      // A flipped byte in the signed text: OpenSSL refuses it (the judge can say no).
      if (!opaque) expect(() => opensslVerify(new TextEncoder().encode(text.replace('10:00', '11:00')))).toThrow();
      expect(prompt).toHaveBeenCalledWith({ slot: 0x9c, reason: 'pin-always', retriesLeft: 3 });
      // Our own reader agrees.
      const { report } = await readMessage(signed, { identities: [], trust: trust() });
      expect(report.signatures).toEqual([expect.objectContaining({ intact: true, chain: 'trusted', fromMatchesSigner: true })]);
    });

    const encryptions: [string, string[], string][] = rsa
      ? [['RSA PKCS#1 v1.5 (OpenSSL default)', [], 'rsa-pkcs1v15'], ['RSA-OAEP', ['rsa_padding_mode:oaep'], 'rsa-oaep']]
      : [['ECDH (OpenSSL default KARI)', [], 'ecdh']];

    it.each(encryptions)('opens %s mail from openssl cms -encrypt to 9D', async (__, keyopts, keyTransport) => {
      const { decryptors } = await openCard(keys, path, pin('123456'));
      const { report } = await readMessage(opensslEncrypt(keys.keyManagement, keyopts), { identities: decryptors, trust: trust() });
      expect(report).toMatchObject({ encrypted: true, keyTransport, contentCipher: 'aes-256-cbc', errors: [] });
      expect(report.layers[0]!.errors).toEqual([]);
      expect(report.text).toContain(TEXT);
    });

    it('opens mail encrypted to the retired key (slot 82)', async () => {
      const { decryptors } = await openCard(keys, path, pin('123456'));
      const { report } = await readMessage(opensslEncrypt(keys.retired), { identities: decryptors, trust: trust() });
      expect(report.layers[0]!.errors).toEqual([]);
      expect(report.text).toContain(TEXT);
    });

    it('a wrong PIN, then the right one: the prompt sees the retry counter go down, and the mail opens', async () => {
      const prompt = pin('999999', '123456');
      const { client, decryptors } = await openCard(keys, path, prompt);
      const { report } = await readMessage(opensslEncrypt(keys.keyManagement), { identities: decryptors, trust: trust() });
      expect(report.text).toContain(TEXT);
      expect(prompt.mock.calls.map(([request]) => request)).toEqual<PinRequest[]>([
        { slot: 0x9d, reason: 'pin-required', retriesLeft: 3 },
        { slot: 0x9d, reason: 'wrong-pin', retriesLeft: 2 },
      ]);
      expect(await client.pinStatus()).toEqual({ verified: true });
    });

    it('a cancelled PIN leaves the mail closed with key-unavailable, not decryption-failed', async () => {
      const { decryptors } = await openCard(keys, path, pin(null));
      const { report } = await readMessage(opensslEncrypt(keys.keyManagement), { identities: decryptors, trust: trust() });
      expect(report.text).not.toContain(TEXT);
      expect(report.layers[0]!.errors).toEqual([expect.objectContaining({ code: 'key-unavailable' })]);
    });
  });
});

// The same card behind the real PC/SC stack: pcscd with the vpcd driver, our client through
// libpcsclite (tests/support/pcsc-transport.ts).
describe('RSA-2048 card keys through pcscd and vpcd', () => {
  const keys = cardKeys.get('rsa-2048')!;
  let pcscd: Pcscd;
  let card: VpcdCard;

  beforeAll(async () => {
    const port = await freeVpcdPort();
    pcscd = await startPcscd([vpcdReader(port)]);
    card = await attachCardToVpcd(simulatedCard(keys), port);
    await card.powered;
  });

  afterAll(async () => {
    await card?.close();
    await pcscd?.stop();
  });

  const overPcsc = async (askPin: PinPrompt) => {
    const transport = await openPcscTransport('Virtual PCD', pcscd.clientEnv());
    return { transport, ...(await cardIdentities(await PivClient.open(transport), askPin)) };
  };

  it('signs a message that openssl cms -verify accepts', async () => {
    const { transport, signer } = await overPcsc(pin('123456'));
    try {
      expect(opensslVerify(await signMessage(new TextEncoder().encode(MESSAGE), signer, {}))).toContain(TEXT);
    } finally {
      await transport.close();
    }
  });

  it('opens openssl cms -encrypt mail to 9D', async () => {
    const { transport, decryptors } = await overPcsc(pin('123456'));
    try {
      const { report } = await readMessage(opensslEncrypt(keys.keyManagement), { identities: decryptors, trust: trust() });
      expect(report).toMatchObject({ encrypted: true, keyTransport: 'rsa-pkcs1v15', errors: [] });
      expect(report.text).toContain(TEXT);
    } finally {
      await transport.close();
    }
  });
});
