import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

import { Client, InsufficientAccessError, InvalidCredentialsError } from 'ldapts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { pkiManifest, stack } from '../support/stack';

// The demo PKI's services are real: the CRL over HTTP, `openssl ocsp` and `openssl verify` must
// agree that dave's certificate is revoked, and the directory must serve the users' certificates
// without ever giving away a password.
const pki = pkiManifest();
const pkiHttp = `http://${stack.host}:${stack.ports.pkiHttp}`;
const scratch = fs.mkdtempSync(path.join(stack.stateDir, 'pki-test-'));
afterAll(() => fs.rmSync(scratch, { recursive: true, force: true }));

const serialOf = (certPem: string) =>
  execFileSync('openssl', ['x509', '-in', certPem, '-noout', '-serial']).toString().trim().split('=')[1]!;

/** Asks the stack's OCSP responder; the response must verify against the demo chain. */
function ocsp(user: string): string {
  const r = spawnSync(
    'openssl',
    ['ocsp', '-issuer', pki.issuing.cert, '-cert', pki.users[user]!.cert, '-url', pki.urls.ocsp, '-CAfile', pki.chain],
    { encoding: 'utf8' },
  );
  expect(r.status, r.stderr).toBe(0);
  expect(r.stderr + r.stdout).toContain('Response verify OK');
  return r.stdout;
}

/** `openssl verify` with CRL checks on the whole chain, using the CRLs fetched over HTTP. */
async function verifyWithCrls(user: string): Promise<string> {
  const crls = [];
  for (const name of ['issuing.crl', 'root.crl']) {
    const der = path.join(scratch, name);
    fs.writeFileSync(der, Buffer.from(await (await fetch(`${pkiHttp}/${name}`)).arrayBuffer()));
    execFileSync('openssl', ['crl', '-inform', 'DER', '-in', der, '-out', `${der}.pem`]);
    crls.push('-CRLfile', `${der}.pem`);
  }
  const r = spawnSync(
    'openssl',
    ['verify', '-crl_check_all', '-purpose', 'smimesign', '-CAfile', pki.trustAnchors, '-untrusted', pki.issuing.cert, ...crls, pki.users[user]!.cert],
    { encoding: 'utf8' },
  );
  return r.stdout + r.stderr;
}

describe('demo PKI over HTTP', () => {
  it('serves an issuing CRL that lists the revoked certificate only', async () => {
    const res = await fetch(`${pkiHttp}/issuing.crl`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/pkix-crl');
    const crlFile = path.join(scratch, 'fetched.crl');
    fs.writeFileSync(crlFile, Buffer.from(await res.arrayBuffer()));
    const text = execFileSync('openssl', ['crl', '-inform', 'DER', '-in', crlFile, '-noout', '-text']).toString();
    expect(text).toContain(`Serial Number: ${serialOf(pki.users.dave!.cert)}`);
    expect(text).toContain('Key Compromise');
    expect(text).not.toContain(`Serial Number: ${serialOf(pki.users.alice!.cert)}`);
  });

  it('serves a root CRL, so the issuing CA can be checked too', async () => {
    const res = await fetch(`${pkiHttp}/root.crl`);
    expect(res.headers.get('content-type')).toBe('application/pkix-crl');
    const crlFile = path.join(scratch, 'root.crl');
    fs.writeFileSync(crlFile, Buffer.from(await res.arrayBuffer()));
    const text = execFileSync('openssl', ['crl', '-inform', 'DER', '-in', crlFile, '-noout', '-issuer']).toString();
    expect(text).toContain('Sealpost Demo Root CA');
  });

  it('serves the CA certificates (DER) at the AIA caIssuers addresses', async () => {
    for (const [url, file] of [
      [pki.urls.caIssuers, pki.issuing.certDer],
      [pki.urls.rootCaIssuers, pki.root.certDer],
    ] as const) {
      const res = await fetch(url);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('application/pkix-cert');
      expect(Buffer.from(await res.arrayBuffer()).equals(fs.readFileSync(file))).toBe(true);
    }
  });

  it('answers 404 for other paths and 405 for other methods', async () => {
    expect((await fetch(`${pkiHttp}/manifest.json`)).status).toBe(404);
    expect((await fetch(`${pkiHttp}/issuing-ca/ca.key`)).status).toBe(404);
    expect((await fetch(`${pkiHttp}/issuing.crl`, { method: 'POST', body: 'x' })).status).toBe(405);
  });

  it('makes openssl verify reject dave (revoked) and erin (expired) and accept alice', async () => {
    expect(await verifyWithCrls('alice')).toMatch(/alice\.cert\.pem: OK/);
    expect(await verifyWithCrls('dave')).toContain('certificate revoked');
    expect(await verifyWithCrls('erin')).toContain('certificate has expired');
  });
});

describe('demo PKI OCSP responder', () => {
  it('says alice good and dave revoked (keyCompromise), in signed responses', () => {
    expect(ocsp('alice')).toMatch(/alice\.cert\.pem: good/);
    const dave = ocsp('dave');
    expect(dave).toMatch(/dave\.cert\.pem: revoked/);
    expect(dave).toContain('Reason: keyCompromise');
  });

  it('answers a malformed request with malformedRequest', async () => {
    const res = await fetch(pki.urls.ocsp, { method: 'POST', body: 'not DER' });
    expect(res.headers.get('content-type')).toBe('application/ocsp-response');
    expect(Buffer.from(await res.arrayBuffer()).toString('hex')).toBe('30030a0101');
  });
});

// ldapts reports a requested attribute that the server did not send as [].
const valuesOf = (v: unknown) => (v === undefined ? [] : [v].flat());

describe('LDAP directory', () => {
  const url = `ldap://${stack.host}:${stack.ports.ldap}`;
  const base = 'dc=sealpost,dc=test';
  const aliceDn = `uid=alice,ou=people,${base}`;
  let client: Client;

  beforeAll(() => {
    client = new Client({ url });
  });
  afterAll(async () => {
    await client.unbind();
  });

  it('finds a user by mail with userCertificate;binary and a PKCS#7 userSMIMECertificate', async () => {
    const { searchEntries } = await client.search(base, {
      filter: '(mail=alice@sealpost.test)',
      attributes: ['cn', 'userCertificate;binary', 'userSMIMECertificate'],
      explicitBufferAttributes: ['userCertificate;binary', 'userSMIMECertificate'],
    });
    expect(searchEntries).toHaveLength(1);
    const entry = searchEntries[0]!;
    expect(entry.dn).toBe(aliceDn);
    expect(entry.cn).toBe('Alice Liddell');
    const cert = entry['userCertificate;binary'] as Buffer;
    expect(cert.equals(fs.readFileSync(pki.users.alice!.certDer))).toBe(true);
    const p7File = path.join(scratch, 'alice.p7b');
    fs.writeFileSync(p7File, entry.userSMIMECertificate as Buffer);
    const certs = execFileSync('openssl', ['pkcs7', '-inform', 'DER', '-in', p7File, '-print_certs', '-noout']).toString();
    expect(certs).toContain('CN = Alice Liddell');
    expect(certs).toContain('CN = Sealpost Demo Issuing CA');
  });

  it('keeps non-ASCII names intact', async () => {
    const { searchEntries } = await client.search(base, { filter: '(uid=bob)', attributes: ['cn'] });
    expect(searchEntries[0]?.cn).toBe('Bob Ødegård');
  });

  it('has directory-only people without certificates', async () => {
    const { searchEntries } = await client.search(base, {
      filter: '(mail=frank@sealpost.test)',
      attributes: ['cn', 'userCertificate;binary'],
    });
    expect(searchEntries).toHaveLength(1);
    expect(searchEntries[0]!.cn).toBe('Frank Directory');
    expect(valuesOf(searchEntries[0]!['userCertificate;binary'])).toEqual([]);
  });

  it('never discloses userPassword, though binds with it work', async () => {
    // The password exists: a bind as alice succeeds, a wrong one fails.
    const asAlice = new Client({ url });
    const impostor = new Client({ url });
    try {
      await asAlice.bind(aliceDn, 'alice-pass');
      await expect(impostor.bind(aliceDn, 'wrong')).rejects.toBeInstanceOf(InvalidCredentialsError);
      // Neither anonymous nor alice herself can read, search or compare it.
      for (const c of [client, asAlice]) {
        const { searchEntries } = await c.search(aliceDn, { scope: 'base', attributes: ['userPassword', '*'] });
        expect(searchEntries).toHaveLength(1);
        expect(valuesOf(searchEntries[0]!.userPassword)).toEqual([]);
        const { searchEntries: byFilter } = await c.search(base, { filter: '(userPassword=*)', attributes: ['dn'] });
        expect(byFilter).toHaveLength(0);
        await expect(c.compare(aliceDn, 'userPassword', 'alice-pass')).rejects.toBeInstanceOf(InsufficientAccessError);
      }
    } finally {
      await asAlice.unbind();
      await impostor.unbind();
    }
  });

  it('refuses writes without credentials', async () => {
    await expect(
      client.add(`uid=mallory,ou=people,${base}`, { objectClass: 'inetOrgPerson', uid: 'mallory', cn: 'M', sn: 'M' }),
    ).rejects.toThrow();
  });
});
