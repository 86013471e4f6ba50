import fs from 'node:fs';
import path from 'node:path';

import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';

import type { SecurityConfigAnswer } from '@/lib/api/types';
import { parseSecurityPolicy } from '@/lib/policy/parse-security-policy';
import { readCertificates, validateCertificate } from '@/lib/smime';

import { createNodePkiFetcher } from '../../cli/smime/node-pki-fetcher';
import { DEMO_POLICY } from '../../scripts/stack/stack.mjs';
import { stubAppEnv } from '../support/app-env';
import { pkiManifest, stack } from '../support/stack';

// GET /api/security against the test instance's configuration (scripts/stack/stack.mjs writes
// SEALPOST_TRUST_ANCHORS = the demo PKI root, SEALPOST_POLICY_FILE = DEMO_POLICY): the route
// relays both, and the anchors it sends are enough for one demo user to trust another's
// certificate, with revocation checked against the demo CRL/OCSP services.

const pki = pkiManifest();

describe('GET /api/security', () => {
  let cookie: string | undefined;
  let GET: typeof import('@/app/api/security/route').GET;
  let sessions: typeof import('@/server/session/sessions');

  beforeAll(async () => {
    vi.doMock('next/headers', () => ({
      cookies: async () => ({ get: (name: string) => (cookie && name === 'sealpost_session' ? { value: cookie } : undefined) }),
      headers: async () => new Headers(),
    }));
    stubAppEnv();
    ({ GET } = await import('@/app/api/security/route'));
    sessions = await import('@/server/session/sessions');
  });

  afterAll(() => {
    if (cookie) sessions.sessionStore().destroy(cookie);
    vi.doUnmock('next/headers');
    vi.unstubAllEnvs();
  });

  it('refuses a request without a session (401)', async () => {
    cookie = undefined;
    const res = await GET();
    expect(res.status).toBe(401);
    expect(await res.json()).toMatchObject({ error: { code: 'not-signed-in' } });
  });

  it("answers the configured policy and the demo PKI root, uncached", async () => {
    cookie = sessions.sessionStore().create('alice', 'alice@sealpost.test', 'alice-pass', '127.0.0.1').id;
    const res = await GET();
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    const answer = (await res.json()) as SecurityConfigAnswer;
    const written = JSON.parse(fs.readFileSync(path.join(stack.stateDir, 'policy.json'), 'utf8')) as unknown;
    expect(written).toEqual(DEMO_POLICY);
    expect(answer.policy).toEqual(parseSecurityPolicy(written));
    // What the browser does with the answer: it passes lib/policy's strict check too.
    expect(parseSecurityPolicy(answer.policy)).toEqual(answer.policy);
    expect(answer.organisationAnchors).toEqual([fs.readFileSync(pki.root.certDer).toString('base64')]);
  });

  it('gives anchors that make alice trusted and dave revoked', async () => {
    cookie ??= sessions.sessionStore().create('bob', 'bob@sealpost.test', 'bob-pass', '127.0.0.1').id;
    const answer = (await (await GET()).json()) as SecurityConfigAnswer;
    const anchors = answer.organisationAnchors.flatMap((b64) => readCertificates(Buffer.from(b64, 'base64')));
    const trust = { anchors, fetcher: createNodePkiFetcher({ timeoutMs: 5000 }), revocation: answer.policy.revocation };
    const certificateOf = (user: string) => readCertificates(fs.readFileSync(pki.users[user]!.certDer))[0]!;
    const alice = await validateCertificate(certificateOf('alice'), { purpose: 'signing' }, trust);
    expect(alice.verdict, alice.reasons.join(' ')).toBe('trusted');
    expect(alice.revocation.status).toBe('good');
    expect((await validateCertificate(certificateOf('dave'), { purpose: 'signing' }, trust)).verdict).toBe('revoked');
    expect((await validateCertificate(certificateOf('alice'), { purpose: 'signing' }, { anchors: [], revocation: 'off' })).verdict).toBe('untrusted-root');
  });
});
