import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createStore } from 'zustand/vanilla';

import { readCertificates } from '@/lib/smime/certs/read-certificates';
import { CcidDeviceSimulator } from '@/lib/webusb-token/simulator/ccid-device-simulator';
import { createPivSimulator } from '@/lib/webusb-token/simulator/piv-simulator';
import { type IssuedCert, type TestPki, createTestPki } from '@/tests/support/test-pki';

import { webUsbConnector } from './card-connectors';
import { createCardStore } from './card-store';
import type { CertbookStore } from './certbook-store';
import type { IdentityStore } from './identity-store';
import { securitySources } from './security-sources';
import type { TrustStore } from './trust-store';

// How the card joins the security sources: its signing identity carries the intermediates a card
// cannot hold (found in the address book here; AIA in tests/integration/certs-signing-chain), and
// listeners hear when the keys on offer change, not when a PIN prompt comes and goes.

let pki: TestPki;
let int: IssuedCert;
let holder: IssuedCert;
beforeAll(() => {
  pki = createTestPki('sealpost-sources-');
  int = pki.issue({ name: 'issuing', ca: true, key: 'p256' });
  holder = pki.issue({ name: 'card-holder', issuer: int, key: 'p256', email: 'holder@example.test' });
});
afterAll(() => pki.cleanup());

const cert = (issued: { certDer: Uint8Array }) => readCertificates(issued.certDer)[0]!;

function setUp({ known = true } = {}) {
  const card = createCardStore({
    connectors: {
      webusb: webUsbConnector({
        requestDevice: async () =>
          new CcidDeviceSimulator({ level: 'short-apdu', card: createPivSimulator({ slots: { 0x9c: { privateKeyPkcs8: holder.keyPkcs8, certificateDer: holder.certDer } } }) }),
      }),
    },
  });
  // Stand-ins with just what the sources read: no keystore keys, the issuing CA in the address book.
  const identities = createStore(() => ({ signingIdentity: async () => null, identitiesForReading: async () => [] })) as unknown as IdentityStore;
  const certbook = createStore(() => ({ knownCertificates: () => (known ? [cert(int)] : []) })) as unknown as CertbookStore;
  const trust = { trustSettings: async () => ({ anchors: [cert(pki.root)], revocation: 'off' as const, fetcher: null }) } as unknown as TrustStore;
  return { card, sources: securitySources({ identities, certbook, trust, card }) };
}

describe('security sources with a card', () => {
  it("gives the card's signing identity the chain up to the anchor, without the anchor", async () => {
    const { card, sources } = setUp();
    await card.getState().connect('webusb');
    card.getState().chooseForSigning(0x9c, true);
    const identity = await sources.identities.signingIdentity('Holder@example.test');
    expect(identity?.certificate.serialNumber.isEqual(cert(holder).serialNumber)).toBe(true);
    expect(identity?.chain?.map((c) => String(c.subject.typesAndValues[0]!.value.valueBlock.value))).toEqual(['issuing']);
  });

  it('still signs when no chain can be found', async () => {
    const { card, sources } = setUp({ known: false });
    await card.getState().connect('webusb');
    card.getState().chooseForSigning(0x9c, true);
    expect((await sources.identities.signingIdentity('holder@example.test'))?.chain).toEqual([]);
  });

  it('tells listeners when the card connects, a slot is chosen or the card goes, not on PIN prompts', async () => {
    const { card, sources } = setUp();
    let calls = 0;
    const stop = sources.identities.onChange!(() => calls++);
    await card.getState().connect('webusb');
    const afterConnect = calls;
    expect(afterConnect).toBeGreaterThan(0);
    card.setState({ pinRequest: { slot: 0x9c, reason: 'pin-required', retriesLeft: 3 } });
    card.setState({ pinRequest: null });
    expect(calls).toBe(afterConnect);
    card.getState().chooseForSigning(0x9c, true);
    expect(calls).toBe(afterConnect + 1);
    await card.getState().disconnect();
    expect(calls).toBe(afterConnect + 2);
    stop();
    await card.getState().connect('webusb');
    expect(calls).toBe(afterConnect + 2);
  });
});
