import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

import { Client } from 'ldapts';
import { describe, expect, it } from 'vitest';

import { pkiManifest, stack } from '../support/stack';

// The demo PKI's services are real: the CRL over HTTP and `openssl ocsp` must agree that dave's
// certificate is revoked, and the directory must serve the users' certificates.
const pki = pkiManifest();
const serialOf = (certPem: string) =>
  execFileSync('openssl', ['x509', '-in', certPem, '-noout', '-serial']).toString().trim().split('=')[1]!;

function ocspStatus(user: string): string {
  const out = execFileSync(
    'openssl',
    ['ocsp', '-issuer', pki.issuing.cert, '-cert', pki.users[user]!.cert, '-url', pki.urls.ocsp, '-CAfile', pki.chain],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  ).toString();
  return out.match(/cert\.pem: (\w+)/)?.[1] ?? out;
}

describe('demo PKI services', () => {
  it('serves a CRL over HTTP that lists the revoked certificate only', async () => {
    const res = await fetch(`http://${stack.host}:${stack.ports.pkiHttp}/issuing.crl`);
    expect(res.headers.get('content-type')).toBe('application/pkix-crl');
    const crlFile = path.join(stack.stateDir, 'fetched.crl');
    fs.writeFileSync(crlFile, Buffer.from(await res.arrayBuffer()));
    const text = execFileSync('openssl', ['crl', '-inform', 'DER', '-in', crlFile, '-noout', '-text']).toString();
    expect(text).toContain(`Serial Number: ${serialOf(pki.users.dave!.cert)}`);
    expect(text).not.toContain(`Serial Number: ${serialOf(pki.users.alice!.cert)}`);
  });

  it('serves the issuing CA certificate at the AIA caIssuers address', async () => {
    const res = await fetch(`http://${stack.host}:${stack.ports.pkiHttp}/issuing.crt`);
    expect(res.status).toBe(200);
    const served = Buffer.from(await res.arrayBuffer());
    expect(served.equals(fs.readFileSync(pki.issuing.certDer))).toBe(true);
  });

  it('answers OCSP: alice good, dave revoked', () => {
    expect(ocspStatus('alice')).toBe('good');
    expect(ocspStatus('dave')).toBe('revoked');
  });

  it('answers a malformed OCSP request with malformedRequest', async () => {
    const res = await fetch(`http://${stack.host}:${stack.ports.ocsp}/`, { method: 'POST', body: 'not DER' });
    expect(Buffer.from(await res.arrayBuffer()).toString('hex')).toBe('30030a0101');
  });

  it('marks the expired certificate as expired', () => {
    const end = execFileSync('openssl', ['x509', '-in', pki.users.erin!.cert, '-noout', '-enddate']).toString();
    expect(new Date(end.split('=')[1]!.trim()).getTime()).toBeLessThan(Date.now());
  });
});

describe('LDAP directory', () => {
  const url = `ldap://${stack.host}:${stack.ports.ldap}`;

  it('finds a user by mail with userCertificate;binary and a PKCS#7 userSMIMECertificate', async () => {
    const client = new Client({ url });
    try {
      const { searchEntries } = await client.search('dc=sealpost,dc=test', {
        filter: '(mail=alice@sealpost.test)',
        attributes: ['cn', 'userCertificate;binary', 'userSMIMECertificate'],
        explicitBufferAttributes: ['userCertificate;binary', 'userSMIMECertificate'],
      });
      expect(searchEntries).toHaveLength(1);
      const entry = searchEntries[0]!;
      expect(entry.cn).toBe('Alice Liddell');
      const cert = entry['userCertificate;binary'] as Buffer;
      expect(cert.equals(fs.readFileSync(pki.users.alice!.certDer))).toBe(true);
      const p7File = path.join(stack.stateDir, 'alice.p7b');
      fs.writeFileSync(p7File, entry.userSMIMECertificate as Buffer);
      const certs = execFileSync('openssl', ['pkcs7', '-inform', 'DER', '-in', p7File, '-print_certs', '-noout']).toString();
      expect(certs).toContain('CN = Alice Liddell');
      expect(certs).toContain('CN = Sealpost Demo Issuing CA');
    } finally {
      await client.unbind();
    }
  });

  it('keeps non-ASCII names intact', async () => {
    const client = new Client({ url });
    try {
      const { searchEntries } = await client.search('dc=sealpost,dc=test', { filter: '(uid=bob)', attributes: ['cn'] });
      expect(searchEntries[0]?.cn).toBe('Bob Ødegård');
    } finally {
      await client.unbind();
    }
  });

  it('refuses writes without credentials', async () => {
    const client = new Client({ url });
    try {
      await expect(
        client.add('uid=mallory,ou=people,dc=sealpost,dc=test', { objectClass: 'inetOrgPerson', uid: 'mallory', cn: 'M', sn: 'M' }),
      ).rejects.toThrow();
    } finally {
      await client.unbind();
    }
  });
});
