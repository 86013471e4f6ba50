import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { afterAll, describe, expect, it } from 'vitest';

import { DEFAULT_SECURITY_POLICY } from '@/lib/policy/security-policy';
import { makeTestCertificate, pem } from '@/lib/smime/certs/test-certificate-factory';

import { ConfigError, parseConfig } from '../config';
import { AnchorFileError, readAnchorBundle } from './organisation-anchors';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sealpost-security-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
const write = (name: string, text: string) => {
  const file = path.join(dir, name);
  fs.writeFileSync(file, text);
  return file;
};

const env = {
  SEALPOST_IMAP_HOST: 'imap.example.com',
  SEALPOST_IMAP_PORT: '993',
  SEALPOST_IMAP_SECURITY: 'tls',
  SEALPOST_SMTP_HOST: 'smtp.example.com',
  SEALPOST_SMTP_PORT: '587',
  SEALPOST_SMTP_SECURITY: 'starttls',
  SEALPOST_LDAP_URL: 'ldaps://ldap.example.com:636',
  SEALPOST_LDAP_BASE_DN: 'dc=example,dc=com',
  SEALPOST_TRUST_ANCHORS: write('roots.pem', '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n'),
  SEALPOST_SESSION_SECRET: 'x'.repeat(32),
};

function configProblems(policyFile: string): string[] {
  try {
    parseConfig({ ...env, SEALPOST_POLICY_FILE: policyFile });
  } catch (e) {
    if (e instanceof ConfigError) return e.problems;
    throw e;
  }
  return [];
}

describe('SEALPOST_POLICY_FILE', () => {
  it('is optional: no file (or an empty value) gives the default policy', () => {
    expect(parseConfig(env).policy).toEqual(DEFAULT_SECURITY_POLICY);
    expect(parseConfig({ ...env, SEALPOST_POLICY_FILE: '' }).policy).toEqual(DEFAULT_SECURITY_POLICY);
  });

  it('reads a JSON policy, defaults filling what it leaves out', () => {
    const file = write('policy.json', JSON.stringify({ requireSigning: true, revocation: 'hard-fail', allowedSendCiphers: ['aes-256-cbc'] }));
    expect(parseConfig({ ...env, SEALPOST_POLICY_FILE: file }).policy).toEqual({
      ...DEFAULT_SECURITY_POLICY,
      requireSigning: true,
      revocation: 'hard-fail',
      allowedSendCiphers: ['aes-256-cbc'],
    });
  });

  it('stops the start with the variable, the file and every problem', () => {
    const weak = write('weak.json', JSON.stringify({ allowedSendCiphers: ['des-ede3-cbc'], minRsaBits: 1024 }));
    expect(configProblems(weak)).toEqual([
      `SEALPOST_POLICY_FILE is not a valid policy: allowedSendCiphers: "des-ede3-cbc" is never allowed: RC2 and 3DES are broken; minRsaBits must be a whole number of bits, 2048-16384 (got 1024) (got ${JSON.stringify(weak)})`,
    ]);
  });

  it('refuses a missing file, a folder and a file that is not JSON', () => {
    expect(configProblems(path.join(dir, 'absent.json'))[0]).toMatch(/^SEALPOST_POLICY_FILE must name an existing JSON file/);
    expect(configProblems(dir)[0]).toMatch(/^SEALPOST_POLICY_FILE must name an existing JSON file/);
    expect(configProblems(write('broken.json', '{ requireSigning: true }'))[0]).toMatch(/^SEALPOST_POLICY_FILE is not JSON: /);
  });
});

describe('readAnchorBundle', () => {
  it('gives each certificate of a PEM bundle as DER, in order', async () => {
    const a = await makeTestCertificate({ subject: [{ type: '2.5.4.3', value: 'Root A' }] });
    const b = await makeTestCertificate({ subject: [{ type: '2.5.4.3', value: 'Root B' }] });
    const bundle = `Root A\n${pem('CERTIFICATE', a.der)}\nRoot B\r\n${pem('CERTIFICATE', b.der, '\r\n')}`;
    const anchors = readAnchorBundle(bundle, 'roots.pem');
    expect(anchors.map((der) => new Uint8Array(der))).toEqual([a.der, b.der]);
  });

  it('names the certificate that cannot be read', async () => {
    const a = await makeTestCertificate({ subject: [{ type: '2.5.4.3', value: 'Root A' }] });
    const bundle = `${pem('CERTIFICATE', a.der)}-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n`;
    expect(() => readAnchorBundle(bundle, 'roots.pem')).toThrow(new AnchorFileError('roots.pem', 'certificate 2 of 2 cannot be read'));
    expect(() => readAnchorBundle('nothing', 'roots.pem')).toThrow(/roots.pem\): holds no PEM certificate/);
  });
});
