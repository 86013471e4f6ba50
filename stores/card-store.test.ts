import * as pkijs from 'pkijs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { ecdsaDerToRaw } from '@/lib/smime/asn1/ecdsa-signature';
import { CcidDeviceSimulator } from '@/lib/webusb-token/simulator/ccid-device-simulator';
import { type PivSimulatorProfile, createPivSimulator } from '@/lib/webusb-token/simulator/piv-simulator';
import { type IssuedCert, type TestPki, createTestPki } from '@/tests/support/test-pki';

import { type UsbLike, webUsbConnector } from './card-connectors';
import { type CardStore, createCardStore } from './card-store';

// The card store over the real PIV simulator in the CCID device simulator (the WebUSB shape),
// with certificates from OpenSSL; WebCrypto judges the card's signatures and encrypts to its keys.

const subtle = globalThis.crypto.subtle;
const own = (b: Uint8Array) => new Uint8Array(b) as Uint8Array<ArrayBuffer>;
let pki: TestPki;
let signing: IssuedCert;
let encryption: IssuedCert;
let retired: IssuedCert;
let profile: PivSimulatorProfile;

beforeAll(() => {
  pki = createTestPki('sealpost-card-store-');
  signing = pki.issue({ name: 'alice-sign', key: 'p256', email: 'alice@example.test' });
  encryption = pki.issue({ name: 'alice-enc', key: 'rsa-2048', email: 'alice@example.test' });
  retired = pki.issue({ name: 'alice-old', key: 'rsa-2048', email: 'alice@example.test' });
  profile = {
    slots: {
      0x9c: { privateKeyPkcs8: signing.keyPkcs8, certificateDer: signing.certDer },
      0x9d: { privateKeyPkcs8: encryption.keyPkcs8, certificateDer: encryption.certDer, compressCertificate: true },
      0x82: { privateKeyPkcs8: retired.keyPkcs8, certificateDer: retired.certDer },
    },
  };
});
afterAll(() => pki.cleanup());

const usbWith = (device: () => Promise<CcidDeviceSimulator>): UsbLike => ({ requestDevice: device });
const storeWith = (usb: UsbLike): CardStore => createCardStore({ connectors: { webusb: webUsbConnector(usb) } });
const cardStore = (extra: PivSimulatorProfile = {}) =>
  storeWith(usbWith(async () => new CcidDeviceSimulator({ level: 'short-apdu', card: createPivSimulator({ ...profile, ...extra }) })));

/** Answers each PIN prompt from `pins` in turn, recording the requests. */
function answerPins(store: CardStore, pins: (string | null)[]) {
  const requests: unknown[] = [];
  const stop = store.subscribe((state) => {
    if (!state.pinRequest) return;
    requests.push(state.pinRequest);
    const pin = pins.shift();
    queueMicrotask(() => store.getState().answerPin(pin ?? null));
  });
  return { requests, stop };
}

describe('card store', () => {
  it('lists the certificates per slot, retired ones too, with summaries and addresses', async () => {
    const store = cardStore();
    await store.getState().connect('webusb');
    const state = store.getState();
    expect(state.status).toBe('connected');
    expect(state.connector).toBe('webusb');
    expect(state.problem).toBeNull();
    expect(state.certificates.map((c) => c.slot)).toEqual([0x9c, 0x9d, 0x82]);
    expect(state.certificates[0]!.summary.subject).toContain('alice-sign');
    expect(state.certificates.every((c) => c.addresses.includes('alice@example.test'))).toBe(true);
    // Every card key decrypts by default; none signs until chosen.
    expect(state.identitiesForReading().map((i) => i.certificate)).toHaveLength(3);
    expect(state.signingIdentity('alice@example.test')).toBeNull();
    expect(state.encryptionCertificate('alice@example.test')).toBe(state.certificates[1]!.certificate);
  });

  it('signs with the chosen slot after the PIN prompt; a wrong PIN comes back with the tries left', async () => {
    const store = cardStore();
    await store.getState().connect('webusb');
    store.getState().chooseForSigning(0x9c, true);
    expect(store.getState().signingIdentity('bob@example.test')).toBeNull();
    const identity = store.getState().signingIdentity('Alice@Example.test')!;
    const pins = answerPins(store, ['000000', '123456']);
    const data = new TextEncoder().encode('signed attributes');
    const der = await identity.key.sign!(data, { scheme: 'ecdsa', hash: 'SHA-256' });
    pins.stop();
    expect(pins.requests).toEqual([
      { slot: 0x9c, reason: 'pin-always', retriesLeft: 3 },
      { slot: 0x9c, reason: 'wrong-pin', retriesLeft: 2 },
    ]);
    expect(store.getState().pinRequest).toBeNull();
    const certificate = pkijs.Certificate.fromBER(own(signing.certDer));
    const publicKey = await subtle.importKey('spki', own(new Uint8Array(certificate.subjectPublicKeyInfo.toSchema().toBER(false))), { name: 'ECDSA', namedCurve: 'P-256' }, false, ['verify']);
    expect(await subtle.verify({ name: 'ECDSA', hash: 'SHA-256' }, publicKey, own(ecdsaDerToRaw(der, 32)), own(data))).toBe(true);
    store.getState().chooseForSigning(0x9c, false);
    expect(store.getState().signingIdentity('alice@example.test')).toBeNull();
  });

  it('decrypts with a retired key, and leaves out a slot the user unticks', async () => {
    const store = cardStore();
    await store.getState().connect('webusb');
    const pins = answerPins(store, ['123456']);
    const retiredIdentity = store.getState().identitiesForReading()[2]!;
    const spki = pkijs.Certificate.fromBER(own(retired.certDer)).subjectPublicKeyInfo.toSchema().toBER(false);
    const publicKey = await subtle.importKey('spki', spki, { name: 'RSA-OAEP', hash: 'SHA-256' }, false, ['encrypt']);
    const cek = globalThis.crypto.getRandomValues(new Uint8Array(32));
    const wrapped = new Uint8Array(await subtle.encrypt({ name: 'RSA-OAEP' }, publicKey, cek));
    expect(await retiredIdentity.key.decryptKeyTransport!(wrapped, { padding: 'oaep', hash: 'SHA-256' })).toEqual(cek);
    pins.stop();
    expect(pins.requests).toEqual([{ slot: 0x82, reason: 'pin-required', retriesLeft: 3 }]);
    store.getState().chooseForDecryption(0x82, false);
    expect(store.getState().identitiesForReading()).toHaveLength(2);
  });

  it('reports a blocked PIN', async () => {
    const store = cardStore({ pinRetries: 1 });
    await store.getState().connect('webusb');
    store.getState().chooseForSigning(0x9c, true);
    const identity = store.getState().signingIdentity('alice@example.test')!;
    const pins = answerPins(store, ['000000', '000000', '000000']);
    await expect(identity.key.sign!(new Uint8Array(8), { scheme: 'ecdsa', hash: 'SHA-256' })).rejects.toMatchObject({ code: 'key-unavailable', cause: { code: 'pin-blocked' } });
    pins.stop();
    expect(store.getState().problem).toMatchObject({ code: 'pin-blocked', message: expect.stringContaining('PIN is blocked') });
  });

  it('a cancelled PIN prompt fails the operation without a problem', async () => {
    const store = cardStore();
    await store.getState().connect('webusb');
    const pins = answerPins(store, [null]);
    const identity = store.getState().identitiesForReading()[0]!;
    await expect(identity.key.sign!(new Uint8Array(8), { scheme: 'ecdsa', hash: 'SHA-256' })).rejects.toMatchObject({ code: 'key-unavailable', cause: { code: 'pin-required' } });
    pins.stop();
    expect(store.getState().problem).toBeNull();
    expect(store.getState().status).toBe('connected');
  });

  it('explains each connect failure: refused by the browser, no card, no reader chosen, not PIV', async () => {
    const refusing = async () => {
      const device = new CcidDeviceSimulator({ level: 'short-apdu', card: createPivSimulator(profile) });
      device.claimInterface = () => Promise.reject(new DOMException('The requested interface implements a protected class.', 'SecurityError'));
      return device;
    };
    const cases: [UsbLike, string, RegExp][] = [
      [usbWith(refusing), 'transport-refused', /protected USB class.*bridge/],
      [usbWith(async () => new CcidDeviceSimulator({ level: 'short-apdu', card: null })), 'no-card', /no card/],
      [{ requestDevice: () => Promise.reject(new DOMException('No device selected.', 'NotFoundError')) }, 'no-device-chosen', /No reader was chosen/],
      [usbWith(async () => new CcidDeviceSimulator({ level: 'tpdu', card: createPivSimulator({ slots: {} }) })), 'no-certificates', /no certificates/],
    ];
    for (const [usb, code, message] of cases) {
      const store = storeWith(usb);
      await store.getState().connect('webusb');
      expect(store.getState().problem, code).toMatchObject({ code, message: expect.stringMatching(message) });
    }
  });

  it('forgets the card when it is pulled during an operation', async () => {
    let device: CcidDeviceSimulator | undefined;
    const store = storeWith(
      usbWith(async () => {
        device = new CcidDeviceSimulator({ level: 'short-apdu', card: createPivSimulator(profile) });
        return device;
      }),
    );
    await store.getState().connect('webusb');
    const identity = store.getState().identitiesForReading()[0]!;
    device!.slot.removeCard();
    await expect(identity.key.sign!(new Uint8Array(8), { scheme: 'ecdsa', hash: 'SHA-256' })).rejects.toMatchObject({ code: 'key-unavailable', cause: { name: 'TokenError' } });
    expect(store.getState()).toMatchObject({ status: 'disconnected', certificates: [], problem: { code: expect.stringMatching(/card-removed|no-card/) } });
    expect(store.getState().identitiesForReading()).toEqual([]);
  });

  it('says when a way of connecting is not offered (a store without the bridge)', async () => {
    const store = cardStore();
    await store.getState().connect('bridge');
    expect(store.getState().problem?.code).toBe('unavailable');
  });
});
