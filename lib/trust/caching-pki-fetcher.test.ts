import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { type PkiFetchRequest, SmimeError, readCertificates, validateCertificate } from '../smime';
import { type IssuedCert, type TestPki, createTestPki, openssl } from '../../tests/support/test-pki';

import { MAX_TTL_MS, createCachingPkiFetcher } from './caching-pki-fetcher';

// Real CRLs and OCSP answers from OpenSSL over a test CA's database, served by a fake relay that
// counts what reaches the network; lib/smime's validateCertificate drives the fetcher exactly as
// the reader will.

const CRL_URL = 'http://pki.test/root.crl';
const OCSP_URL = 'http://pki.test/ocsp';
const HOUR = 3600_000;

let pki: TestPki;
let crlLeaf: IssuedCert;
let ocspLeaf: IssuedCert;
let crl: Uint8Array;
/** A pre-signed answer for ocspLeaf, made from a request without a nonce, valid for a day. */
let preSignedOcsp: Uint8Array;

beforeAll(() => {
  pki = createTestPki('sealpost-trust-cache-');
  crlLeaf = pki.issue({ name: 'crl-leaf', email: 'crl@example.test', extraExtensions: [`crlDistributionPoints = URI:${CRL_URL}`] });
  ocspLeaf = pki.issue({ name: 'ocsp-leaf', email: 'ocsp@example.test', extraExtensions: [`authorityInfoAccess = OCSP;URI:${OCSP_URL}`] });
  crl = pki.crl(pki.root);
  preSignedOcsp = ocspAnswer(ocspRequest(ocspLeaf, { nonce: false }));
});
afterAll(() => pki.cleanup());

// lib/ may not import node:fs, even in tests: files go through openssl's base64 (stdin/stdout are pipes).
const writeBytes = (file: string, bytes: Uint8Array) => openssl(['base64', '-d', '-A', '-out', file], Buffer.from(bytes).toString('base64'));
const readBytes = (file: string) => new Uint8Array(Buffer.from(openssl(['base64', '-A', '-in', file]).toString(), 'base64'));

/** An OCSP request for `cert` as `openssl ocsp` writes it (with a nonce unless told otherwise). */
function ocspRequest(cert: IssuedCert, { nonce = true } = {}): Uint8Array {
  const out = pki.file(`${cert.name}-ocsp-request.der`);
  openssl(['ocsp', '-issuer', pki.root.certPath, '-cert', cert.certPath, ...(nonce ? [] : ['-no_nonce']), '-reqout', out]);
  return readBytes(out);
}

/** What `openssl ocsp` answers for the root's database: echoes the request's nonce when it has one. */
function ocspAnswer(request: Uint8Array): Uint8Array {
  const [reqin, respout] = [pki.file('ocsp-in.der'), pki.file('ocsp-out.der')];
  writeBytes(reqin, request);
  const args = ['ocsp', '-index', pki.file('root-db/index.txt'), '-CA', pki.root.certPath, '-rsigner', pki.root.certPath, '-rkey', pki.root.keyPath];
  openssl([...args, '-reqin', reqin, '-respout', respout, '-ndays', '1']);
  return readBytes(respout);
}

/** The relay, faked: answers by URL and records every request that reached it. */
function fakeRelay(routes: Record<string, (request: PkiFetchRequest) => Uint8Array>) {
  const requests: PkiFetchRequest[] = [];
  return {
    requests,
    count: (url: string) => requests.filter((r) => r.url === url).length,
    async fetch(request: PkiFetchRequest): Promise<Uint8Array> {
      requests.push(request);
      const route = routes[request.url];
      if (!route) throw new SmimeError('fetch-failed', `${request.url} could not be fetched.`);
      return route(request);
    },
  };
}

function clock(start = new Date()) {
  let at = start.getTime();
  return { now: () => new Date(at), advance: (ms: number) => (at += ms) };
}

const certificate = (cert: IssuedCert) => readCertificates(cert.certDer)[0]!;
const anchors = () => [certificate(pki.root)];

describe('createCachingPkiFetcher with CRLs', () => {
  it('fetches a CRL once for many checks, and again when asked for a fresh check', async () => {
    const relay = fakeRelay({ [CRL_URL]: () => crl });
    const cache = createCachingPkiFetcher(relay);
    for (let i = 0; i < 3; i++) {
      // A new TrustSettings each time, as the trust store gives: lib/smime's own per-settings cache is empty.
      const result = await validateCertificate(certificate(crlLeaf), { purpose: 'signing' }, { anchors: anchors(), fetcher: cache, revocation: 'hard-fail' });
      expect(result.verdict).toBe('trusted');
      expect(result.revocation).toMatchObject({ status: 'good', source: 'crl' });
    }
    expect(relay.count(CRL_URL)).toBe(1);
    const fresh = await validateCertificate(certificate(crlLeaf), { purpose: 'signing' }, { anchors: anchors(), fetcher: cache.fresh, revocation: 'hard-fail' });
    expect(fresh.verdict).toBe('trusted');
    expect(relay.count(CRL_URL)).toBe(2);
    // The fresh answer replaced the entry: the next ordinary check uses it.
    await cache.fetch({ url: CRL_URL, method: 'GET', maxBytes: 1 << 20 });
    expect(relay.count(CRL_URL)).toBe(2);
  });

  it("keeps a CRL until its nextUpdate (30 days here), never longer than the cap", async () => {
    const time = clock();
    const relay = fakeRelay({ [CRL_URL]: () => crl });
    const request = { url: CRL_URL, method: 'GET', maxBytes: 1 << 20 } as const;
    const long = createCachingPkiFetcher(relay, { now: time.now, maxTtlMs: 60 * 24 * HOUR });
    await long.fetch(request);
    time.advance(29 * 24 * HOUR);
    await long.fetch(request);
    expect(relay.count(CRL_URL)).toBe(1);
    time.advance(2 * 24 * HOUR);
    await long.fetch(request);
    expect(relay.count(CRL_URL)).toBe(2);

    const later = clock();
    const capped = createCachingPkiFetcher(relay, { now: later.now });
    await capped.fetch(request);
    later.advance(MAX_TTL_MS - 1000);
    await capped.fetch(request);
    expect(relay.count(CRL_URL)).toBe(3);
    later.advance(2000);
    await capped.fetch(request);
    expect(relay.count(CRL_URL)).toBe(4);
  });

  it('does not keep a CRL already past its nextUpdate', async () => {
    const time = clock(new Date(Date.now() + 31 * 24 * HOUR));
    const relay = fakeRelay({ [CRL_URL]: () => crl });
    const cache = createCachingPkiFetcher(relay, { now: time.now });
    await cache.fetch({ url: CRL_URL, method: 'GET', maxBytes: 1 << 20 });
    expect(cache.size()).toBe(0);
  });

  it('keeps no failure, no unreadable answer and no AIA certificate', async () => {
    let fail = true;
    const relay = fakeRelay({
      [CRL_URL]: () => {
        if (fail) throw new SmimeError('fetch-failed', 'relay down');
        return crl;
      },
      'http://pki.test/garbage.crl': () => new Uint8Array([0x30, 0x03, 0x02, 0x01, 0x01]),
      'http://pki.test/root.crt': () => pki.root.certDer,
    });
    const cache = createCachingPkiFetcher(relay);
    const get = (url: string) => cache.fetch({ url, method: 'GET', maxBytes: 1 << 20 });
    await expect(get(CRL_URL)).rejects.toThrow(/relay down/);
    fail = false;
    expect(await get(CRL_URL)).toEqual(crl);
    expect(relay.count(CRL_URL)).toBe(2);
    await get('http://pki.test/garbage.crl');
    await get('http://pki.test/garbage.crl');
    await get('http://pki.test/root.crt');
    await get('http://pki.test/root.crt');
    expect(relay.requests).toHaveLength(6);
    expect(cache.size()).toBe(1);
  });

  it('asks once for concurrent checks of the same CRL', async () => {
    const relay = fakeRelay({ [CRL_URL]: () => crl });
    const cache = createCachingPkiFetcher(relay);
    const answers = await Promise.all([1, 2, 3].map(() => cache.fetch({ url: CRL_URL, method: 'GET', maxBytes: 1 << 20 })));
    expect(answers.every((a) => a.length === crl.length)).toBe(true);
    expect(relay.count(CRL_URL)).toBe(1);
  });

  it('holds at most maxEntries answers and maxBytes in all, dropping the least recently used', async () => {
    const urls = ['http://a.test/1.crl', 'http://a.test/2.crl', 'http://a.test/3.crl'];
    const relay = fakeRelay(Object.fromEntries(urls.map((u) => [u, () => crl])));
    const get = (cache: ReturnType<typeof createCachingPkiFetcher>, url: string) => cache.fetch({ url, method: 'GET', maxBytes: 1 << 20 });
    const byCount = createCachingPkiFetcher(relay, { maxEntries: 2 });
    await get(byCount, urls[0]!);
    await get(byCount, urls[1]!);
    await get(byCount, urls[0]!); // 1 is now the most recently used
    await get(byCount, urls[2]!); // evicts 2
    expect(byCount.size()).toBe(2);
    await get(byCount, urls[0]!);
    await get(byCount, urls[1]!);
    expect(relay.requests.map((r) => r.url)).toEqual([urls[0], urls[1], urls[2], urls[1]]);

    const bySize = createCachingPkiFetcher(relay, { maxBytes: crl.length * 2 });
    for (const url of urls) await get(bySize, url);
    expect(bySize.size()).toBe(2);
    const tooSmall = createCachingPkiFetcher(relay, { maxBytes: crl.length - 1 });
    await get(tooSmall, urls[0]!);
    expect(tooSmall.size()).toBe(0);
  });
});

describe('createCachingPkiFetcher with OCSP', () => {
  it("keeps a pre-signed answer (no nonce) for every request about the same certificate, until its nextUpdate", async () => {
    const time = clock();
    const relay = fakeRelay({ [OCSP_URL]: () => preSignedOcsp });
    const cache = createCachingPkiFetcher(relay, { now: time.now });
    for (let i = 0; i < 3; i++) {
      const result = await validateCertificate(certificate(ocspLeaf), { purpose: 'signing' }, { anchors: anchors(), fetcher: cache, revocation: 'hard-fail', now: time.now() });
      expect(result.verdict, result.reasons.join(' ')).toBe('trusted');
      expect(result.revocation).toMatchObject({ status: 'good', source: 'ocsp' });
    }
    expect(relay.count(OCSP_URL)).toBe(1);
    // Each of those requests carried its own nonce: the key is the CertID, not the bytes.
    expect(new Set(relay.requests.map((r) => Buffer.from(r.body!).toString('hex'))).size).toBe(1);
    time.advance(25 * HOUR); // past -ndays 1
    await validateCertificate(certificate(ocspLeaf), { purpose: 'signing' }, { anchors: anchors(), fetcher: cache, revocation: 'soft-fail', now: time.now() });
    expect(relay.count(OCSP_URL)).toBe(2);
  });

  it('never keeps an answer that echoes a nonce (it belongs to one request)', async () => {
    const relay = fakeRelay({ [OCSP_URL]: (request) => ocspAnswer(request.body!) });
    const cache = createCachingPkiFetcher(relay);
    for (let i = 0; i < 2; i++) {
      const result = await validateCertificate(certificate(ocspLeaf), { purpose: 'signing' }, { anchors: anchors(), fetcher: cache, revocation: 'hard-fail' });
      expect(result.revocation).toMatchObject({ status: 'good', source: 'ocsp' });
    }
    expect(relay.count(OCSP_URL)).toBe(2);
    expect(cache.size()).toBe(0);
  });

  it('keeps no refusal (tryLater) and separates certificates', async () => {
    const tryLater = new Uint8Array([0x30, 0x03, 0x0a, 0x01, 0x03]);
    const relay = fakeRelay({ [OCSP_URL]: () => tryLater });
    const cache = createCachingPkiFetcher(relay);
    const body = ocspRequest(ocspLeaf);
    const ask = (b: Uint8Array) => cache.fetch({ url: OCSP_URL, method: 'POST', body: b, contentType: 'application/ocsp-request', maxBytes: 1 << 20 });
    await ask(body);
    await ask(body);
    expect(relay.count(OCSP_URL)).toBe(2);

    const other = pki.issue({ name: 'other-leaf', email: 'other@example.test' });
    const answers = fakeRelay({ [OCSP_URL]: () => preSignedOcsp });
    const shared = createCachingPkiFetcher(answers);
    const askShared = (b: Uint8Array) => shared.fetch({ url: OCSP_URL, method: 'POST', body: b, contentType: 'application/ocsp-request', maxBytes: 1 << 20 });
    await askShared(body);
    await askShared(ocspRequest(other));
    await askShared(body);
    expect(answers.count(OCSP_URL)).toBe(2);
  });
});
