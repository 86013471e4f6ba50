import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';

import { decodeDirectoryAnswer } from '@/lib/api/directory-answer';
import type { DirectoryCertificatesAnswer } from '@/lib/api/types';
import { certificatesFromDirectoryAnswer } from '@/lib/recipients/directory-certificates';
import { certificateEmails, readCertificates, sameCertificate } from '@/lib/smime';
import { validateCertificate, type TrustSettings } from '@/lib/smime/certs/validate-certificate';
import type { LdapConfig } from '@/server/config';
import { AppError } from '@/server/errors';
import { Directory } from '@/server/ldap/directory';
import { directoryCertificates } from '@/server/ldap/directory-certificates';

import { createNodePkiFetcher } from '../../cli/smime/node-pki-fetcher';
import { stubAppEnv } from '../support/app-env';
import { pkiManifest, stack } from '../support/stack';

// Recipients' certificates from the stack's real slapd (scripts/stack/ldap.mjs): the server relays
// the values, the browser-side parser reads them, lib/smime decides trust with the demo PKI.

const devstack = path.resolve(__dirname, '../../scripts/devstack.mjs');
const cfg: LdapConfig = {
  url: `ldap://${stack.host}:${stack.ports.ldap}`,
  baseDn: 'dc=sealpost,dc=test',
  bindDn: undefined,
  bindPassword: undefined,
  connectTimeoutMs: 2000,
  timeoutMs: 3000,
};
const DEMO = ['alice', 'bob', 'carol', 'dave', 'erin'];
const pki = pkiManifest();
const dir = new Directory(cfg);
afterAll(() => dir.close());

const toAnswer = (found: Awaited<ReturnType<typeof directoryCertificates>>): DirectoryCertificatesAnswer => ({
  results: found.map((r) => ({
    email: r.email,
    certificates: r.certificates.map((c) => c.toString('base64')),
    smimeBundles: r.smimeBundles.map((b) => b.toString('base64')),
  })),
});

async function failure(p: Promise<unknown>): Promise<AppError> {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(AppError);
  return err as AppError;
}

describe('directoryCertificates against slapd', () => {
  it("relays each demo user's certificate and S/MIME bundle with the issuing CA", async () => {
    const issuing = readCertificates(fs.readFileSync(pki.issuing.certDer))[0]!;
    const found = await directoryCertificates(DEMO.map((u) => `${u}@sealpost.test`), dir);
    expect(found.map((r) => r.email)).toEqual(DEMO.map((u) => `${u}@sealpost.test`));
    for (const [i, user] of DEMO.entries()) {
      const { certificates, smimeBundles } = found[i]!;
      expect(certificates).toHaveLength(1);
      expect(certificates[0]!.equals(fs.readFileSync(pki.users[user]!.certDer))).toBe(true);
      expect(certificateEmails(readCertificates(certificates[0]!)[0]!)).toEqual([`${user}@sealpost.test`]);
      expect(smimeBundles).toHaveLength(1);
      const bundle = readCertificates(smimeBundles[0]!);
      expect(bundle.map((c) => certificateEmails(c))).toContainEqual([`${user}@sealpost.test`]);
      expect(bundle.some((c) => sameCertificate(c, issuing))).toBe(true);
    }
  });

  it('matches the address without regard to case, and knows nothing of unknown or certificate-less people', async () => {
    const [bob, nobody, frank] = await directoryCertificates(['BOB@Sealpost.Test', 'nobody@sealpost.test', 'frank@sealpost.test'], dir);
    expect(bob!.certificates).toHaveLength(1);
    expect(nobody).toEqual({ email: 'nobody@sealpost.test', certificates: [], smimeBundles: [] });
    expect(frank).toEqual({ email: 'frank@sealpost.test', certificates: [], smimeBundles: [] });
  });

  it.each(['*)(mail=*', '*', '*@sealpost.test', 'bob@sealpost.test)(|(mail=*', '\\2a'])('finds nothing for the injection "%s"', async (q) => {
    const [result] = await directoryCertificates([q], dir);
    expect(result).toEqual({ email: q, certificates: [], smimeBundles: [] });
  });

  it('answers directory-unavailable when nothing listens', async () => {
    const nowhere = new Directory({ ...cfg, url: 'ldap://127.0.0.1:9', connectTimeoutMs: 500 });
    expect((await failure(directoryCertificates(['bob@sealpost.test'], nowhere))).code).toBe('directory-unavailable');
  });

  it('answers directory-unavailable while slapd is stopped, and recovers when it is back', async () => {
    const own = new Directory(cfg);
    try {
      execFileSync(process.execPath, [devstack, 'stop', '--instance', stack.name, '--only', 'ldap'], { stdio: 'pipe' });
      expect((await failure(directoryCertificates(['bob@sealpost.test'], own))).code).toBe('directory-unavailable');
    } finally {
      execFileSync(process.execPath, [devstack, 'start', '--instance', stack.name, '--no-seed'], { stdio: 'pipe' });
    }
    expect((await directoryCertificates(['bob@sealpost.test'], own))[0]!.certificates).toHaveLength(1);
    await own.close();
  });
});

describe('POST /api/certificates/directory', () => {
  let cookie: string | undefined;
  let POST: typeof import('@/app/api/certificates/directory/route').POST;
  let sessions: typeof import('@/server/session/sessions');

  beforeAll(async () => {
    // The route reads its session from the request's cookies, which Next.js provides.
    vi.doMock('next/headers', () => ({
      cookies: async () => ({ get: (name: string) => (cookie && name === 'sealpost_session' ? { value: cookie } : undefined) }),
      headers: async () => new Headers(),
    }));
    stubAppEnv();
    ({ POST } = await import('@/app/api/certificates/directory/route'));
    sessions = await import('@/server/session/sessions');
  });

  afterAll(() => {
    if (cookie) sessions.sessionStore().destroy(cookie);
    vi.doUnmock('next/headers');
    vi.unstubAllEnvs();
  });

  const post = (emails: unknown) =>
    POST(new Request('http://localhost/api/certificates/directory', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ emails }) }));

  it('refuses a request without a session (401)', async () => {
    cookie = undefined;
    expect((await post(['bob@sealpost.test'])).status).toBe(401);
  });

  it('answers a signed-in user, and refuses more than 50 addresses (400)', async () => {
    cookie = sessions.sessionStore().create('alice', 'alice@sealpost.test', 'alice-pass', '127.0.0.1').id;
    const res = await post(['bob@sealpost.test', 'nobody@sealpost.test']);
    expect(res.status).toBe(200);
    const [bob, nobody] = decodeDirectoryAnswer((await res.json()) as DirectoryCertificatesAnswer);
    expect(bob!.certificates[0]).toEqual(new Uint8Array(fs.readFileSync(pki.users.bob!.certDer)));
    expect(nobody).toEqual({ email: 'nobody@sealpost.test', certificates: [], smimeBundles: [] });
    expect((await post(Array.from({ length: 51 }, (_, i) => `u${i}@sealpost.test`))).status).toBe(400);
  });
});

describe('end to end: directory certificates validated in the browser-side engine', () => {
  const anchors = readCertificates(fs.readFileSync(pki.trustAnchors));

  async function verdict(user: string, trust: Omit<TrustSettings, 'anchors'>) {
    const answer = toAnswer(await directoryCertificates([`${user}@sealpost.test`], dir));
    const [found] = certificatesFromDirectoryAnswer(decodeDirectoryAnswer(answer));
    expect(found!.skipped).toEqual([]);
    expect(found!.certificates).toHaveLength(1);
    const options = { purpose: 'encryption' as const, messageCertificates: found!.otherCertificates };
    return (await validateCertificate(found!.certificates[0]!, options, { anchors, ...trust })).verdict;
  }

  it("trusts bob's certificate; dave's is revoked once the revocation services are asked", async () => {
    const fetcher = createNodePkiFetcher({ timeoutMs: 5000 });
    expect(await verdict('bob', { fetcher, revocation: 'hard-fail' })).toBe('trusted');
    expect(await verdict('dave', { fetcher, revocation: 'hard-fail' })).toBe('revoked');
    expect(await verdict('dave', { revocation: 'off' })).toBe('trusted');
  });
});
