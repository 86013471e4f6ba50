import { spawnSync } from 'node:child_process';
import fs from 'node:fs';

import type * as pkijs from 'pkijs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { PkiFetcher } from '@/lib/smime/certs/pki-fetcher';
import { readCertificates } from '@/lib/smime/certs/read-certificates';
import { validateCertificate, type TrustSettings } from '@/lib/smime/certs/validate-certificate';
import { SmimeError } from '@/lib/smime/errors';
import { createNodePkiFetcher as nodePkiFetcher } from '../../cli/smime/node-pki-fetcher';
import {
  createTestPki,
  freePort,
  revokeWithReason,
  startOcspResponder,
  startPkiHttpServer,
  type IssuedCert,
  type OcspResponder,
  type PkiHttpServer,
  type TestPki,
} from '../support/test-pki';

// Revocation against real services on loopback: CRLs made by `openssl ca -gencrl` served over
// HTTP, and `openssl ocsp` responders (signed by the CA, by a delegated responder, and two forgers).
let pki: TestPki;
let otherPki: TestPki;
let server: PkiHttpServer;
const responders: OcspResponder[] = [];
let deadUrl: string;
let root: pkijs.Certificate;
let int: IssuedCert;
let impostor: IssuedCert;
const leaves: Record<string, IssuedCert> = {};
let signedBeforeRevocation: Date;

const cert = (issued: { certDer: Uint8Array }) => readCertificates(issued.certDer)[0]!;
const trust = (extra: Partial<TrustSettings> = {}): TrustSettings => ({
  anchors: [root],
  fetcher: nodePkiFetcher({ timeoutMs: 5000 }),
  revocation: 'hard-fail',
  ...extra,
});
const validate = (name: string, t: TrustSettings, extra: { crls?: Uint8Array[]; signingTime?: Date } = {}) =>
  validateCertificate(cert(leaves[name]!), { purpose: 'signing', messageCertificates: [cert(int)], ...extra }, t);

beforeAll(async () => {
  server = await startPkiHttpServer();
  const dead = await startPkiHttpServer();
  deadUrl = dead.url;
  await dead.close();

  pki = createTestPki();
  otherPki = createTestPki();
  root = cert(pki.root);
  int = pki.issue({ name: 'int', ca: true, key: 'p256', extraExtensions: [`crlDistributionPoints = URI:${server.url}/root.crl`] });
  const ocspSigner = pki.issue({ name: 'ocsp-signer', issuer: int, key: 'p256', keyUsage: 'critical, digitalSignature', extendedKeyUsage: 'OCSPSigning' });
  // Forgers: a CA in another PKI with the same name as ours, and a responder certificate from another CA.
  impostor = otherPki.issue({ name: 'int', ca: true, key: 'p256' });
  const rogueResponder = otherPki.issue({ name: 'rogue-responder', key: 'p256', keyUsage: 'critical, digitalSignature', extendedKeyUsage: 'OCSPSigning' });
  const ports: number[] = [];
  while (ports.length < 4) {
    const port = await freePort();
    if (!ports.includes(port)) ports.push(port);
  }
  const [direct, delegated, sameName, rogue] = ports;

  const crlDp = `crlDistributionPoints = URI:${server.url}/int.crl`;
  const ocsp = (url: string) => `authorityInfoAccess = OCSP;URI:${url}`;
  const url = (port: number | undefined) => `http://127.0.0.1:${port}/`;
  const issue = (name: string, extraExtensions: string[], dates: { startDate?: string; endDate?: string } = {}) =>
    (leaves[name] = pki.issue({ name, issuer: int, key: 'p256', extraExtensions, ...dates }));
  issue('crl-good', [crlDp]);
  issue('crl-revoked', [crlDp]);
  issue('crl-revoked-later', [crlDp], { startDate: '20200101000000Z', endDate: '20991231000000Z' });
  issue('ocsp-good', [ocsp(url(direct))]);
  issue('ocsp-revoked', [ocsp(url(direct))]);
  issue('delegated-good', [ocsp(url(delegated))]);
  issue('delegated-revoked', [ocsp(url(delegated))]);
  issue('forged-same-name', [ocsp(url(sameName))]);
  issue('forged-rogue', [ocsp(url(rogue))]);
  issue('ocsp-down-crl-up', [ocsp(deadUrl), crlDp]);
  issue('all-down', [ocsp(deadUrl), `crlDistributionPoints = URI:${deadUrl}/int.crl`]);
  issue('no-sources', []);

  signedBeforeRevocation = new Date();
  await new Promise((resolve) => setTimeout(resolve, 1100)); // revocation times have whole seconds
  revokeWithReason(leaves['crl-revoked']!, 'keyCompromise');
  pki.revoke(leaves['crl-revoked-later']!);
  pki.revoke(leaves['ocsp-revoked']!);
  revokeWithReason(leaves['delegated-revoked']!, 'superseded');
  server.serve('/int.crl', pki.crl(int));
  server.serve('/root.crl', pki.crl(pki.root));
  responders.push(
    ...(await Promise.all([
      startOcspResponder(pki, int, direct!),
      startOcspResponder(pki, int, delegated!, ocspSigner),
      startOcspResponder(pki, int, sameName!, impostor),
      startOcspResponder(pki, int, rogue!, rogueResponder),
    ])),
  );
});

afterAll(async () => {
  await Promise.all(responders.map((r) => r.stop()));
  await server?.close();
  pki?.cleanup();
  otherPki?.cleanup();
});

describe('CRL', () => {
  it('finds a good certificate good, checking the intermediate against the root CRL too', async () => {
    const before = server.requests.length;
    const result = await validate('crl-good', trust());
    expect(result).toMatchObject({ verdict: 'trusted', reasons: [], revocation: { status: 'good', source: 'crl' } });
    expect(server.requests.slice(before).sort()).toEqual(['/int.crl', '/root.crl']);
  });

  it('finds a revoked certificate revoked, with the date and reason, as openssl verify -crl_check_all does', async () => {
    const result = await validate('crl-revoked', trust());
    expect(result.verdict).toBe('revoked');
    expect(result.revocation).toMatchObject({ status: 'revoked', source: 'crl' });
    expect(result.reasons[0]).toMatch(/^"crl-revoked" was revoked on \d{4}-\d\d-\d\dT.*\(keyCompromise\)\.$/);

    const crls = pki.file('crls.pem');
    fs.writeFileSync(crls, fs.readFileSync(pki.file('int-crl.pem'), 'utf8') + fs.readFileSync(pki.file('root-crl.pem'), 'utf8'));
    const verify = (leaf: string) =>
      spawnSync('openssl', ['verify', '-crl_check_all', '-CRLfile', crls, '-CAfile', pki.root.certPath, '-untrusted', int.certPath, leaves[leaf]!.certPath], { encoding: 'utf8' });
    expect(verify('crl-revoked').stdout + verify('crl-revoked').stderr).toMatch(/certificate revoked/);
    expect(verify('crl-good').status).toBe(0);
  });

  it('says a certificate revoked after the claimed signing time is still revoked', async () => {
    const result = await validate('crl-revoked-later', trust(), { signingTime: signedBeforeRevocation });
    expect(result.verdict).toBe('revoked');
    expect(result.reasons[1]).toMatch(/^It was revoked after the message says it was signed/);
  });

  it('uses CRLs carried in the message, without network', async () => {
    const crls = [pki.crl(int), pki.crl(pki.root)];
    expect((await validate('crl-revoked', trust({ fetcher: null }), { crls })).verdict).toBe('revoked');
    const good = await validate('no-sources', trust({ fetcher: null }), { crls });
    expect(good).toMatchObject({ verdict: 'trusted', revocation: { status: 'good', source: 'crl' } });
  });

  it('does not believe a CRL from another CA with the same name', async () => {
    const forged = [otherPki.crl(impostor), pki.crl(pki.root)];
    const hard = await validate('crl-revoked', trust({ fetcher: null }), { crls: forged });
    expect(hard.verdict).toBe('unknown');
    expect(hard.reasons[0]).toMatch(/^The revocation status could not be checked: The CRL is not signed by the issuer/);
    const soft = await validate('crl-revoked', trust({ fetcher: null, revocation: 'soft-fail' }), { crls: forged });
    expect(soft).toMatchObject({ verdict: 'trusted', reasons: [], revocation: { status: 'unknown' } });
  });

  it('keeps a fetched CRL for the same trust settings', async () => {
    const settings = trust();
    const count = () => server.requests.filter((r) => r === '/int.crl').length;
    await validate('crl-good', settings);
    const afterFirst = count();
    await validate('crl-good', settings);
    await validate('crl-revoked', settings);
    expect(count()).toBe(afterFirst);
  });

  it('does not use a CRL past its next update', async () => {
    const result = await validate('crl-good', trust({ now: new Date(Date.now() + 40 * 86_400_000) }));
    expect(result.verdict).toBe('unknown');
    expect(result.revocation.reason).toMatch(/The CRL is out of date/);
  });

  it('does not fetch anything for a chain that is not trusted', async () => {
    const attackerLeaf = otherPki.issue({ name: 'attacker', key: 'p256', extraExtensions: [`crlDistributionPoints = URI:${server.url}/attacker.crl`, `authorityInfoAccess = OCSP;URI:${server.url}/attacker-ocsp`] });
    const result = await validateCertificate(cert(attackerLeaf), { purpose: 'signing', messageCertificates: [cert(otherPki.root)] }, trust());
    expect(result).toMatchObject({ verdict: 'untrusted-root', revocation: { status: 'not-checked' } });
    expect(server.requests.filter((r) => r.startsWith('/attacker'))).toEqual([]);
  });
});

describe('OCSP', () => {
  it('asks the CA responder: good and revoked, as openssl ocsp says', async () => {
    expect(await validate('ocsp-good', trust())).toMatchObject({ verdict: 'trusted', revocation: { status: 'good', source: 'ocsp' } });
    const revoked = await validate('ocsp-revoked', trust());
    expect(revoked).toMatchObject({ verdict: 'revoked', revocation: { status: 'revoked', source: 'ocsp' } });

    const chain = pki.file('chain.pem');
    fs.writeFileSync(chain, fs.readFileSync(pki.root.certPath, 'utf8') + fs.readFileSync(int.certPath, 'utf8'));
    const ask = (leaf: string) =>
      spawnSync('openssl', ['ocsp', '-issuer', int.certPath, '-cert', leaves[leaf]!.certPath, '-url', responders[0]!.url, '-CAfile', chain], { encoding: 'utf8' }).stdout;
    expect(ask('ocsp-good')).toMatch(/: good/);
    expect(ask('ocsp-revoked')).toMatch(/: revoked/);
  });

  it('accepts a responder the issuer certified for OCSPSigning', async () => {
    expect(await validate('delegated-good', trust())).toMatchObject({ verdict: 'trusted', revocation: { status: 'good', source: 'ocsp' } });
    const revoked = await validate('delegated-revoked', trust());
    expect(revoked.verdict).toBe('revoked');
    expect(revoked.reasons[0]).toMatch(/\(superseded\)\.$/);
  });

  it('refuses answers signed by a key that is not the issuer or its responder', async () => {
    const sameName = await validate('forged-same-name', trust());
    expect(sameName.verdict).toBe('unknown');
    expect(sameName.revocation.reason).toMatch(/^The OCSP response's signature does not verify/);
    const rogue = await validate('forged-rogue', trust());
    expect(rogue.verdict).toBe('unknown');
    expect(rogue.revocation.reason).toBe('The OCSP response is not signed by the issuer or by a responder the issuer authorized.');
  });

  it('falls back to the CRL when the responder is down', async () => {
    expect(await validate('ocsp-down-crl-up', trust())).toMatchObject({ verdict: 'trusted', revocation: { status: 'good', source: 'crl' } });
  });
});

describe('when nothing answers', () => {
  it('soft-fail trusts with an unknown status; hard-fail gives the verdict unknown', async () => {
    const soft = await validate('all-down', trust({ revocation: 'soft-fail' }));
    expect(soft).toMatchObject({ verdict: 'trusted', reasons: [], revocation: { status: 'unknown' } });
    expect(soft.revocation.reason).toMatch(/could not be reached/);
    const hard = await validate('all-down', trust());
    expect(hard.verdict).toBe('unknown');
    expect(hard.reasons[0]).toMatch(/^The revocation status could not be checked: The OCSP responder http:\/\/127\.0\.0\.1:\d+ could not be reached/);
  });

  it('a fetcher that throws or returns too much is a failure, not a verdict', async () => {
    const throwing: PkiFetcher = { fetch: async () => { throw new Error('relay down'); } };
    const huge: PkiFetcher = { fetch: async (request) => new Uint8Array(request.maxBytes + 1) };
    for (const fetcher of [throwing, huge]) {
      const result = await validate('crl-good', trust({ fetcher }));
      expect(result.verdict).toBe('unknown');
    }
    const failed = await nodePkiFetcher().fetch({ url: 'file:///etc/passwd', method: 'GET', maxBytes: 100 }).catch((e: unknown) => e);
    expect(failed).toBeInstanceOf(SmimeError);
    const tooLarge = await nodePkiFetcher().fetch({ url: `${server.url}/int.crl`, method: 'GET', maxBytes: 10 }).catch((e: unknown) => e);
    expect(tooLarge).toMatchObject({ code: 'fetch-failed', message: expect.stringMatching(/10 bytes/) });
  });

  it('with no fetcher and no CRL in the message there is nothing to ask', async () => {
    const result = await validate('no-sources', trust({ fetcher: null }));
    expect(result.verdict).toBe('unknown');
    expect(result.revocation.reason).toBe('No revocation information is available for "no-sources".');
  });

  it('revocation off checks nothing', async () => {
    const before = server.requests.length;
    expect(await validate('crl-revoked', trust({ revocation: 'off' }))).toMatchObject({ verdict: 'trusted', revocation: { status: 'not-checked' } });
    expect(server.requests.length).toBe(before);
  });
});
