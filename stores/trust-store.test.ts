import 'fake-indexeddb/auto';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { ApiRequestError } from '@/lib/api/client';
import type { SecurityConfigAnswer } from '@/lib/api/types';
import { DEFAULT_SECURITY_POLICY } from '@/lib/policy/security-policy';
import { type PkiFetchRequest, SmimeError, readCertificates, sameCertificate, validateCertificate } from '@/lib/smime';
import { pem } from '@/lib/smime/certs/test-certificate-factory';
import { RootImportError } from '@/lib/trust/trust-anchors';
import { userRootsDb } from '@/lib/trust/user-roots-db';

import { type IssuedCert, type TestPki, createTestPki } from '../tests/support/test-pki';

import { TrustUnavailableError, createTrustStore } from './trust-store';

const CRL_URL = 'http://pki.test/root.crl';

let org: TestPki;
let other: TestPki;
let alice: IssuedCert;
let stranger: IssuedCert;
let crl: Uint8Array;

beforeAll(() => {
  org = createTestPki('sealpost-trust-store-org-');
  other = createTestPki('sealpost-trust-store-other-');
  alice = org.issue({ name: 'alice', email: 'alice@example.test', extraExtensions: [`crlDistributionPoints = URI:${CRL_URL}`] });
  stranger = other.issue({ name: 'stranger', email: 'stranger@elsewhere.test' });
  crl = org.crl(org.root);
});
afterAll(() => {
  org.cleanup();
  other.cleanup();
});

const b64 = (der: Uint8Array) => Buffer.from(der).toString('base64');
const answer = (over: Partial<SecurityConfigAnswer> = {}): SecurityConfigAnswer => ({
  policy: { ...DEFAULT_SECURITY_POLICY, revocation: 'hard-fail' },
  organisationAnchors: [b64(org.root.certDer)],
  ...over,
});

let n = 0;
function setup(fetchSecurity: () => Promise<SecurityConfigAnswer> = async () => answer(), email = `user${++n}@example.test`) {
  const calls = { security: 0, relay: [] as PkiFetchRequest[] };
  const store = createTrustStore(email, {
    fetchSecurity: () => {
      calls.security++;
      return fetchSecurity();
    },
    pkiFetcher: {
      async fetch(request) {
        calls.relay.push(request);
        if (request.url === CRL_URL) return crl;
        throw new SmimeError('fetch-failed', 'unknown');
      },
    },
  });
  return { store, calls, email };
}

const certificateOf = (cert: IssuedCert) => readCertificates(cert.certDer)[0]!;

describe('trust store', () => {
  it('loads the organisation settings once per page, however many ask at once', async () => {
    const { store, calls } = setup();
    expect(() => store.policy()).toThrow(TrustUnavailableError);
    await Promise.all([store.trustSettings(), store.trustSettings(), store.load()]);
    await store.trustSettings({ fresh: true });
    expect(calls.security).toBe(1);
    expect(store.policy().revocation).toBe('hard-fail');
    const { status, organisationRoots } = store.state.getState();
    expect(status).toBe('ready');
    expect(organisationRoots.map((r) => r.summary.subject)).toEqual([expect.stringMatching(/Test Root CA/)]);
  });

  it("gives trust settings that verify the organisation's users, with the policy's revocation mode and a shared cache", async () => {
    const { store, calls } = setup();
    const settings = await store.trustSettings();
    expect(settings.revocation).toBe('hard-fail');
    expect(settings.anchors).toHaveLength(1);
    for (let i = 0; i < 2; i++) {
      const result = await validateCertificate(certificateOf(alice), { purpose: 'signing' }, await store.trustSettings());
      expect(result.verdict, result.reasons.join(' ')).toBe('trusted');
    }
    expect(calls.relay.filter((r) => r.url === CRL_URL)).toHaveLength(1);
    // "Check certificate now": through to the relay again.
    await validateCertificate(certificateOf(alice), { purpose: 'signing' }, await store.trustSettings({ fresh: true }));
    expect(calls.relay.filter((r) => r.url === CRL_URL)).toHaveLength(2);
    expect((await validateCertificate(certificateOf(stranger), { purpose: 'signing' }, settings)).verdict).toBe('untrusted-root');
  });

  it("imports a user's root, which then counts as an anchor, survives a reload and can be removed", async () => {
    const { store, email } = setup();
    await store.load();
    const outcome = await store.importRoots(new TextEncoder().encode(pem('CERTIFICATE', other.root.certDer)));
    expect(outcome).toEqual({ added: [expect.stringMatching(/Test Root CA/)], alreadyTrusted: [] });
    const anchors = (await store.trustSettings()).anchors;
    expect(anchors.some((a) => sameCertificate(a, certificateOf(other.root)))).toBe(true);
    expect((await validateCertificate(certificateOf(stranger), { purpose: 'signing' }, { anchors, revocation: 'off' })).verdict).toBe('trusted');

    const reloaded = setup(async () => answer(), email).store;
    await reloaded.load();
    const [root] = reloaded.state.getState().userRoots;
    expect(root!.der).toEqual(other.root.certDer);
    expect(root!.addedAt).toMatch(/^\d{4}-/);
    await reloaded.removeRoot(root!.summary.sha256);
    expect(reloaded.state.getState().userRoots).toEqual([]);
    expect(await userRootsDb(email).list()).toEqual([]);
  });

  it("keeps each user's imported roots to that user", async () => {
    const first = setup();
    await first.store.importRoots(other.root.certDer);
    const second = setup();
    await second.store.load();
    expect(second.store.state.getState().userRoots).toEqual([]);
  });

  it("does not store the organisation's root or a root twice, and refuses a person's certificate", async () => {
    const { store, email } = setup();
    expect(await store.importRoots(org.root.certDer)).toEqual({ added: [], alreadyTrusted: [expect.stringMatching(/Test Root CA/)] });
    await store.importRoots(other.root.certDer);
    expect((await store.importRoots(other.root.certDer)).alreadyTrusted).toHaveLength(1);
    await expect(store.importRoots(stranger.certDer)).rejects.toBeInstanceOf(RootImportError);
    expect(await userRootsDb(email).list()).toHaveLength(1);
  });

  it('fails closed on an unusable answer, and tries again on the next call', async () => {
    let bad = true;
    const { store, calls } = setup(async () => (bad ? answer({ policy: { ...DEFAULT_SECURITY_POLICY, allowedSendCiphers: ['des-ede3-cbc'] as never } }) : answer()));
    await expect(store.trustSettings()).rejects.toThrow(/security policy that cannot be used: allowedSendCiphers: "des-ede3-cbc" is never allowed/);
    expect(store.state.getState().status).toBe('error');
    expect(() => store.policy()).toThrow(TrustUnavailableError);
    bad = false;
    await store.trustSettings();
    expect(calls.security).toBe(2);
    expect(store.state.getState()).toMatchObject({ status: 'ready', error: null });
  });

  it('refuses anchors that do not read, and reports the ended session', async () => {
    const { store } = setup(async () => answer({ organisationAnchors: [b64(org.root.certDer), 'AAAA'] }));
    await expect(store.trustSettings()).rejects.toThrow("The organisation's root certificate 2 cannot be read.");
    let ended = false;
    const signedOut = createTrustStore('x@example.test', {
      fetchSecurity: async () => {
        throw new ApiRequestError('not-signed-in', 'Your session has ended. Please sign in again.', 401);
      },
      onSessionEnded: () => (ended = true),
    });
    await signedOut.load();
    expect(ended).toBe(true);
    expect(signedOut.state.getState().error).toBe('Your session has ended. Please sign in again.');
  });
});
