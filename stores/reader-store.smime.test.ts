import * as pkijs from 'pkijs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { KeystoreLockedError } from '@/lib/keystore/errors';
import { DEFAULT_SECURITY_POLICY, type SecurityPolicy } from '@/lib/policy/security-policy';
import { type Identity, type ReadResult, encryptMessage, signAndEncryptMessage, signMessage, softKeyFromPkcs8 } from '@/lib/smime';

import { type IssuedCert, type TestPki, createTestPki } from '../tests/support/test-pki';
import { type ReaderSmimeDeps, createReaderStore } from './reader-store';
import type { CertificateSource, HarvestOutcome, IdentitySource, TrustSource } from './security-contracts';

// The reader with real S/MIME messages (written by lib/smime with keys from an OpenSSL-made PKI)
// and fake key, trust and address-book sources.
let pki: TestPki;
let alice: IssuedCert;
let bob: IssuedCert;
let eve: IssuedCert;

beforeAll(() => {
  pki = createTestPki('sealpost-reader-');
  alice = pki.issue({ name: 'alice', email: 'alice@example.org' });
  bob = pki.issue({ name: 'bob', email: 'bob@example.org' });
  eve = pki.issue({ name: 'eve', email: 'eve@example.org' });
});
afterAll(() => pki?.cleanup());

const certificate = (c: IssuedCert) => pkijs.Certificate.fromBER(new Uint8Array(c.certDer));
const identity = (c: IssuedCert): Identity => ({ certificate: certificate(c), key: softKeyFromPkcs8(c.keyPkcs8) });
const enc = (s: string) => new TextEncoder().encode(s);
const latin1 = (b: Uint8Array) => Buffer.from(b).toString('latin1');

function plain(from: string, body = 'Pay Bob 10 euros.', html?: string): Uint8Array {
  const head = `From: ${from}\r\nTo: bob@example.org\r\nSubject: Payment\r\nDate: Fri, 20 Nov 2026 10:00:00 +0000\r\nMessage-ID: <m1@example.org>\r\nMIME-Version: 1.0\r\n`;
  if (html) return enc(`${head}Content-Type: text/html; charset=utf-8\r\n\r\n${html}\r\n`);
  return enc(`${head}Content-Type: text/plain; charset=utf-8\r\n\r\n${body}\r\n`);
}

interface Fakes {
  deps: ReaderSmimeDeps;
  trustCalls: ({ fresh?: boolean } | undefined)[];
  harvested: (string | null)[];
  unlocks: number;
}

function fakes({
  identities = () => [identity(bob)],
  anchors = () => [certificate(pki.root)],
  keyChange = [] as HarvestOutcome['keyChangeWarnings'],
  locked = false,
  canUnlock = true,
  outsideKeystore = undefined as (() => Identity[]) | undefined,
  policy = DEFAULT_SECURITY_POLICY as SecurityPolicy,
} = {}): Fakes {
  const f: Fakes = { trustCalls: [], harvested: [], unlocks: 0, deps: undefined as unknown as ReaderSmimeDeps };
  let isLocked = locked;
  const keys: IdentitySource = {
    async identitiesForReading() {
      if (isLocked) throw new KeystoreLockedError();
      return identities();
    },
    signingIdentity: async () => null,
    ownEncryptionCertificate: async () => null,
    ...(outsideKeystore ? { identitiesOutsideKeystore: outsideKeystore } : {}),
  };
  if (canUnlock)
    keys.requestUnlock = async () => {
      f.unlocks++;
      isLocked = false;
      return true;
    };
  // Like stores/trust-store.ts: policy() throws until trustSettings() has loaded the organisation's settings.
  let loaded = false;
  const trust: TrustSource = {
    async trustSettings(options) {
      f.trustCalls.push(options);
      await Promise.resolve();
      loaded = true;
      return { anchors: anchors(), fetcher: null, revocation: 'off' };
    },
    policy: () => {
      if (!loaded) throw new Error("The organisation's security policy is not loaded yet.");
      return policy;
    },
  };
  const certificates: CertificateSource = {
    knownCertificates: () => [],
    recipientCertificates: async () => [],
    async harvest(_result: ReadResult, from) {
      f.harvested.push(from);
      return { added: 1, keyChangeWarnings: keyChange };
    },
  };
  f.deps = { identities: keys, trust, certificates };
  return f;
}

async function readWith(raw: Uint8Array, f: Fakes | null) {
  const calls: string[] = [];
  const store = createReaderStore({
    fetchSource: async () => (calls.push('source'), raw),
    fetchStructure: async () => {
      throw new Error('not asked for small messages');
    },
    fetchPart: async () => {
      throw new Error('S/MIME is never read part by part');
    },
    ...(f ? { smime: f.deps } : {}),
  });
  const message = await store.getState().open('INBOX', 7, { size: raw.length });
  return { store, message, calls };
}

const headline = (store: Awaited<ReturnType<typeof readWith>>['store']) => store.getState().security?.banner?.lines[0]?.text;

describe('reader store with S/MIME', () => {
  it('shows a verified clear-signed message, harvests its signer and shows key-change warnings', async () => {
    const f = fakes({ keyChange: [{ address: 'alice@example.org', message: 'A new key from another issuer while the old one is still valid.' }] });
    const raw = await signMessage(plain('Alice <alice@example.org>'), identity(alice));
    const { store, message, calls } = await readWith(raw, f);
    expect(calls).toEqual(['source']);
    expect(message?.text).toContain('Pay Bob 10 euros.');
    expect(message?.subject).toBe('Payment');
    expect(message?.attachments).toEqual([]);
    const security = store.getState().security!;
    expect(security.report?.signed).toBe(true);
    expect(security.banner?.tone).toBe('warning');
    expect(headline(store)).toBe('Signed by alice@example.org, verified.');
    expect(security.banner?.lines[1]?.text).toBe('Certificate change for alice@example.org: A new key from another issuer while the old one is still valid.');
    expect(f.harvested).toEqual(['alice@example.org']);
    expect(store.getState().isEncrypted('INBOX', 7)).toBe(false);
  });

  it('verifies an opaque-signed message and shows its content', async () => {
    const f = fakes();
    const { store, message } = await readWith(await signMessage(plain('alice@example.org'), identity(alice), { opaque: true }), f);
    expect(message?.text).toContain('Pay Bob 10 euros.');
    expect(headline(store)).toBe('Signed by alice@example.org, verified.');
    expect(store.getState().security?.banner?.tone).toBe('good');
  });

  it('says a changed message was tampered with, and harvests nothing', async () => {
    const f = fakes();
    const signed = latin1(await signMessage(plain('alice@example.org'), identity(alice)));
    expect(signed).toContain('Pay Bob 10 euros.');
    const { store } = await readWith(enc(signed.replace('Pay Bob 10 euros.', 'Pay Eve 99 euros.')), f);
    expect(store.getState().security?.report?.signed).toBe(false);
    expect(headline(store)).toBe('The signature does not match: this message was changed after alice@example.org signed it.');
    expect(store.getState().security?.banner?.tone).toBe('danger');
    expect(f.harvested).toEqual([]);
  });

  it("applies the organisation's policy once it has loaded: a hash it does not accept is not verified, and nothing is harvested", async () => {
    const strict = fakes({ policy: { ...DEFAULT_SECURITY_POLICY, allowedSignatureHashes: ['SHA-384', 'SHA-512'] } });
    const raw = await signMessage(plain('alice@example.org'), identity(alice), { hash: 'SHA-256' });
    const { store, message } = await readWith(raw, strict);
    expect(message?.text).toContain('Pay Bob 10 euros.');
    expect(store.getState().security?.report?.signed).toBe(true);
    expect(store.getState().security?.banner?.lines.map((l) => l.text)).toEqual([
      "Signed by alice@example.org, but your organisation's policy does not accept this signature. The signature uses SHA-256, which the organisation's policy does not accept (allowed: SHA-384, SHA-512).",
    ]);
    expect(store.getState().security?.banner?.tone).toBe('warning');
    expect(store.getState().security?.policy?.allowedSignatureHashes).toEqual(['SHA-384', 'SHA-512']);
    expect(strict.harvested).toEqual([]);

    // The same message under a policy that accepts SHA-256, and a SHA-384 one under the strict policy: verified.
    const lenient = fakes();
    expect(headline((await readWith(raw, lenient)).store)).toBe('Signed by alice@example.org, verified.');
    expect(lenient.harvested).toEqual(['alice@example.org']);
    const sha384 = await signMessage(plain('alice@example.org'), identity(alice), { hash: 'SHA-384' });
    expect(headline((await readWith(sha384, fakes({ policy: { ...DEFAULT_SECURITY_POLICY, allowedSignatureHashes: ['SHA-384'] } }))).store)).toBe(
      'Signed by alice@example.org, verified.',
    );
  });

  it('says a signer no trusted authority vouches for is not trusted', async () => {
    const f = fakes({ anchors: () => [] });
    const { store } = await readWith(await signMessage(plain('alice@example.org'), identity(alice)), f);
    expect(headline(store)).toBe('Signed by alice@example.org, but the signer is not trusted: no certificate authority you trust issued the certificate.');
  });

  it('warns when the signer is not the sender named in From', async () => {
    const f = fakes();
    const { store } = await readWith(await signMessage(plain('Bank <ceo@bank.example>'), identity(eve)), f);
    expect(headline(store)).toBe('Signed by eve@example.org, but the message says it is from ceo@bank.example.');
    expect(store.getState().security?.banner?.tone).toBe('danger');
  });

  it('never shows a message with only a signed part as signed', async () => {
    const f = fakes();
    const signedPart = latin1(await signMessage(enc('Content-Type: text/plain; charset=utf-8\r\n\r\nI approve.\r\n'), identity(alice)));
    const outer =
      'From: alice@example.org\r\nTo: bob@example.org\r\nSubject: Partial\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary="outer-b"\r\n\r\n' +
      '--outer-b\r\nContent-Type: text/plain\r\n\r\nPay Eve 1000 euros. The part below is signed:\r\n' +
      `--outer-b\r\n${signedPart}\r\n--outer-b--\r\n`;
    // Not S/MIME by its root, but a signed part inside: "partial", never "signed" (issue 7, M1-M4).
    const { store } = await readWith(enc(outer), f);
    expect(store.getState().security?.report?.partial).toBe(true);
    expect(store.getState().security?.report?.signed).toBe(false);
    expect(store.getState().security?.banner?.lines.map((l) => l.text)).toEqual([
      'Only part of this message is signed; the rest could have been written by anyone. It is not shown as signed.',
    ]);
    expect(store.getState().message?.text).toContain('Pay Eve 1000 euros.');
    // Inside an encrypted root, lib/smime reports the signed part: "partial", never "signed".
    const { store: inner } = await readWith(await encryptMessage(enc(outer), [certificate(bob)]), f);
    expect(inner.getState().security?.report?.partial).toBe(true);
    expect(inner.getState().security?.banner?.lines.map((l) => l.text)).toContain(
      'Only part of this message is signed; the rest could have been written by anyone. It is not shown as signed.',
    );
    expect(inner.getState().security?.banner?.lines.some((l) => l.text.includes('verified'))).toBe(false);
  });

  it('decrypts with the right certificate, names it, and never allows remote images', async () => {
    const f = fakes({ identities: () => [identity(eve), identity(bob)] });
    const html = '<p>Secret plan</p><img src="https://tracker.example/pixel.png">';
    const raw = await encryptMessage(plain('alice@example.org', '', html), [certificate(bob)], { cipher: 'aes-256-gcm' });
    const { store, message } = await readWith(raw, f);
    expect(message?.html).toContain('Secret plan');
    const security = store.getState().security!;
    expect(security.encrypted).toBe(true);
    expect(security.decryptedFor.map((c) => c.emails[0])).toEqual(['bob@example.org']);
    expect(headline(store)).toMatch(/^Encrypted with AES-256-GCM for your certificate bob@example\.org \(serial [0-9a-f]+\)\.$/);
    expect(security.banner?.lines[1]?.text).toBe('It is not signed: nothing proves who sent it.');
    store.getState().allowRemoteImages();
    expect(store.getState().remoteImagesAllowed).toBe(false);
    expect(store.getState().isEncrypted('INBOX', 7)).toBe(true);
    expect(store.getState().isEncrypted('INBOX', 8)).toBe(false);
  });

  it('reads signed-and-encrypted mail as encrypted and verified', async () => {
    const f = fakes();
    const raw = await signAndEncryptMessage(plain('alice@example.org'), identity(alice), [certificate(bob)]);
    const { store, message } = await readWith(raw, f);
    expect(message?.text).toContain('Pay Bob 10 euros.');
    const texts = store.getState().security?.banner?.lines.map((l) => l.text);
    expect(texts?.[0]).toMatch(/^Encrypted with AES-\d+-(GCM|CBC) for your certificate bob@example\.org/);
    expect(texts?.[1]).toBe('Signed by alice@example.org, verified.');
    expect(f.harvested).toEqual(['alice@example.org']);
  });

  it('says when none of your keys fits, and shows only the outer headers', async () => {
    const f = fakes({ identities: () => [identity(eve)] });
    const { store, message } = await readWith(await encryptMessage(plain('alice@example.org'), [certificate(bob)]), f);
    expect(message?.subject).toBe('Payment');
    expect(message?.from?.address).toBe('alice@example.org');
    expect(message?.text).toBe('');
    expect(message?.attachments).toEqual([]);
    expect(headline(store)).toBe('This message is encrypted and cannot be decrypted: it was not encrypted for any of your certificates.');
    expect(store.getState().security?.banner?.unlock).toBe(false);
    expect(store.getState().isEncrypted('INBOX', 7)).toBe(true);
  });

  it('offers Unlock for a locked keystore and reads the message after unlocking', async () => {
    const f = fakes({ locked: true });
    const { store, message } = await readWith(await encryptMessage(plain('alice@example.org'), [certificate(bob)]), f);
    expect(message?.text).toBe('');
    expect(headline(store)).toBe('This message is encrypted and cannot be decrypted: your keystore is locked. Unlock it to read this message.');
    expect(store.getState().security?.problem).toEqual({ code: 'keystore-locked', canUnlock: true });
    expect(store.getState().security?.banner?.unlock).toBe(true);
    await store.getState().unlock();
    expect(f.unlocks).toBe(1);
    expect(store.getState().message?.text).toContain('Pay Bob 10 euros.');
    expect(headline(store)).toMatch(/^Encrypted with/);
  });

  it('with the keystore locked, a card key that fits opens the message without asking to unlock; one that does not leaves Unlock offered', async () => {
    const withCard = fakes({ locked: true, outsideKeystore: () => [identity(bob)] });
    const { store } = await readWith(await encryptMessage(plain('alice@example.org'), [certificate(bob)]), withCard);
    expect(store.getState().message?.text).toContain('Pay Bob 10 euros.');
    expect(headline(store)).toMatch(/^Encrypted with .* for your certificate bob@example\.org/);
    expect(store.getState().security?.problem).toBeNull();

    const otherCard = fakes({ locked: true, outsideKeystore: () => [identity(eve)] });
    const other = await readWith(await encryptMessage(plain('alice@example.org'), [certificate(bob)]), otherCard);
    expect(other.message?.text).toBe('');
    expect(other.store.getState().security?.banner?.unlock).toBe(true);
  });

  it('does not offer Unlock when the keystore cannot be asked to unlock', async () => {
    const f = fakes({ locked: true, canUnlock: false });
    const { store } = await readWith(await encryptMessage(plain('alice@example.org'), [certificate(bob)]), f);
    expect(store.getState().security?.banner?.unlock).toBe(false);
    await store.getState().unlock();
    expect(store.getState().message?.text).toBe('');
  });

  it('still verifies signed mail while the keystore is locked', async () => {
    const f = fakes({ locked: true });
    const { store } = await readWith(await signMessage(plain('alice@example.org'), identity(alice)), f);
    expect(headline(store)).toBe('Signed by alice@example.org, verified.');
    expect(store.getState().security?.problem).toBeNull();
  });

  it('"Check certificate now" reads again with fresh trust settings', async () => {
    const f = fakes();
    const { store } = await readWith(await signMessage(plain('alice@example.org'), identity(alice)), f);
    expect(f.trustCalls).toEqual([undefined]);
    await store.getState().checkCertificatesNow();
    expect(f.trustCalls).toEqual([undefined, { fresh: true }]);
    expect(store.getState().security?.checking).toBe(false);
    expect(headline(store)).toBe('Signed by alice@example.org, verified.');
  });

  it('without the security stores, verifies signatures as untrusted and cannot decrypt', async () => {
    const { store: signed } = await readWith(await signMessage(plain('alice@example.org'), identity(alice)), null);
    expect(headline(signed)).toBe('Signed by alice@example.org, but the signer is not trusted: no certificate authority you trust issued the certificate.');
    const { store: sealed } = await readWith(await encryptMessage(plain('alice@example.org'), [certificate(bob)]), null);
    expect(headline(sealed)).toBe(
      'This message is encrypted and cannot be decrypted: you have no S/MIME certificate with a private key here. Import yours (PKCS#12) in Settings.',
    );
  });

  it('a failing trust store is a shown problem, with the headers still there', async () => {
    const f = fakes();
    f.deps.trust.trustSettings = async () => {
      throw new Error('internal detail');
    };
    const { store, message } = await readWith(await signMessage(plain('alice@example.org'), identity(alice)), f);
    expect(message?.subject).toBe('Payment');
    expect(store.getState().status).toBe('ready');
    expect(headline(store)).toBe('The protection of this message could not be checked: your keys or trust settings could not be read. Try again.');
  });

  it('leaves plain mail alone', async () => {
    const f = fakes();
    const { store, message } = await readWith(plain('alice@example.org'), f);
    expect(message?.text).toContain('Pay Bob');
    expect(store.getState().security).toBeNull();
    expect(f.trustCalls).toEqual([]);
  });
});
