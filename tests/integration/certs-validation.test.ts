import { spawnSync } from 'node:child_process';
import fs from 'node:fs';

import * as asn1js from 'asn1js';
import type * as pkijs from 'pkijs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { LIMITS } from '@/lib/smime/limits';
import { readCertificates } from '@/lib/smime/certs/read-certificates';
import { validateCertificate, type TrustSettings, type ValidateOptions } from '@/lib/smime/certs/validate-certificate';
import { createNodePkiFetcher as nodePkiFetcher } from '../../cli/smime/node-pki-fetcher';
import { createTestPki, openssl, startPkiHttpServer, type IssuedCert, type PkiHttpServer, type TestPki } from '../support/test-pki';

// Chain building and the offline checks against certificates made by OpenSSL, with `openssl
// verify` asked the same question where it has an answer.
let pki: TestPki;
let otherPki: TestPki;
let server: PkiHttpServer;
const cert = (issued: { certDer: Uint8Array }) => readCertificates(issued.certDer)[0]!;

interface Made {
  name: string;
  certPath: string;
  keyPath: string;
  certDer: Uint8Array;
}

/**
 * A certificate made with `openssl x509 -req` (or `req -x509` when self-signed), for what
 * `openssl ca` will not write: non-CA issuers, path lengths, PSS, Ed25519 issuers, cross links.
 */
function make(name: string, spec: { issuer?: Made | IssuedCert; subject?: string; key?: 'p256' | 'ed25519' | 'rsa'; keyPath?: string; ext: string[]; serial?: number; sigopt?: string[] }): Made {
  const file = (suffix: string) => pki.file(`${name}.${suffix}`);
  const keyPath = spec.keyPath ?? file('key');
  if (!spec.keyPath) {
    const key = spec.key ?? 'p256';
    if (key === 'rsa') openssl(['genpkey', '-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:2048', '-out', keyPath]);
    else if (key === 'ed25519') openssl(['genpkey', '-algorithm', 'ED25519', '-out', keyPath]);
    else openssl(['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', keyPath]);
  }
  fs.writeFileSync(file('ext'), ['[ext]', 'subjectKeyIdentifier = hash', ...spec.ext, ''].join('\n'));
  const subject = spec.subject ?? `/CN=${name}`;
  const certPath = file('pem');
  if (!spec.issuer) {
    openssl(['req', '-x509', '-new', '-key', keyPath, '-subj', subject, '-days', '30', '-extensions', 'ext', '-config', file('ext'), '-out', certPath]);
  } else {
    openssl(['req', '-new', '-key', keyPath, '-subj', subject, '-out', file('csr')]);
    openssl([
      'x509', '-req', '-in', file('csr'), '-CA', spec.issuer.certPath, '-CAkey', spec.issuer.keyPath, '-days', '30',
      '-set_serial', String(spec.serial ?? 0x7000 + Math.floor(Math.random() * 0x10000)), '-extfile', file('ext'), '-extensions', 'ext',
      ...(spec.sigopt ?? []).flatMap((o) => ['-sigopt', o]), '-out', certPath,
    ]);
  }
  return { name, certPath, keyPath, certDer: new Uint8Array(openssl(['x509', '-in', certPath, '-outform', 'DER'])) };
}

const LEAF_EXT = ['basicConstraints = critical, CA:FALSE', 'keyUsage = critical, digitalSignature, keyAgreement', 'extendedKeyUsage = emailProtection', 'authorityKeyIdentifier = keyid'];
const CA_EXT = ['basicConstraints = critical, CA:TRUE', 'keyUsage = critical, keyCertSign, cRLSign', 'authorityKeyIdentifier = keyid'];

/** `openssl verify` for S/MIME signing with the same anchors and untrusted certificates: "OK" or its error line. */
function opensslVerify(leaf: { certPath: string }, untrusted: { certPath: string }[], anchors: { certPath: string }[] = [pki.root]): string {
  const bundle = (name: string, certs: { certPath: string }[]) => {
    fs.writeFileSync(pki.file(name), certs.map((c) => fs.readFileSync(c.certPath, 'utf8')).join(''));
    return pki.file(name);
  };
  const args = ['verify', '-purpose', 'smimesign', '-CAfile', bundle('anchors.pem', anchors)];
  if (untrusted.length) args.push('-untrusted', bundle('untrusted.pem', untrusted));
  const result = spawnSync('openssl', [...args, leaf.certPath], { encoding: 'utf8' });
  return result.status === 0 ? 'OK' : (result.stdout + result.stderr).split('\n').find((line) => line.includes('error')) ?? 'failed';
}

let root: pkijs.Certificate;
let int: IssuedCert;
let leaf: IssuedCert;
const trust = (extra: Partial<TrustSettings> = {}): TrustSettings => ({ anchors: [root], revocation: 'off', ...extra });
const signing = (extra: Partial<ValidateOptions> = {}): ValidateOptions => ({ purpose: 'signing', messageCertificates: [cert(int)], ...extra });

beforeAll(async () => {
  pki = createTestPki();
  otherPki = createTestPki();
  server = await startPkiHttpServer();
  root = cert(pki.root);
  int = pki.issue({ name: 'int', ca: true, key: 'p256' });
  leaf = pki.issue({ name: 'alice', issuer: int, key: 'p256', email: 'Alice@Example.ORG' });
});
afterAll(async () => {
  await server?.close();
  pki?.cleanup();
  otherPki?.cleanup();
});

describe('building the path', () => {
  it('trusts root -> intermediate -> leaf with the intermediate from the message', async () => {
    const result = await validateCertificate(cert(leaf), signing(), trust());
    expect(result).toMatchObject({ verdict: 'trusted', reasons: [], revocation: { status: 'not-checked' } });
    expect(result.path.map((c) => c.subject.typesAndValues[0]!.value.valueBlock.value)).toEqual(['alice', 'int', 'Test Root CA']);
    expect(opensslVerify(leaf, [int])).toBe('OK');
  });

  it('finds the intermediate in the local cache, and for encryption too', async () => {
    const result = await validateCertificate(cert(leaf), { purpose: 'encryption' }, trust({ knownCertificates: [cert(int)] }));
    expect(result.verdict).toBe('trusted');
  });

  it('says no trusted root issued the chain when the intermediate is missing and there is no network', async () => {
    const result = await validateCertificate(cert(leaf), { purpose: 'signing' }, trust());
    expect(result.verdict).toBe('untrusted-root');
    expect(result.reasons).toContain('No trusted root certificate issued this chain.');
    expect(result.path).toHaveLength(1);
    expect(opensslVerify(leaf, [])).toMatch(/unable to get local issuer certificate/);
  });

  it('fetches a missing intermediate from AIA caIssuers (DER and certs-only PKCS#7) through the fetcher', async () => {
    server.serve('/int.cer', int.certDer);
    server.serve('/int.p7c', new Uint8Array(openssl(['crl2pkcs7', '-nocrl', '-certfile', int.certPath, '-outform', 'DER'])));
    for (const file of ['int.cer', 'int.p7c']) {
      const aiaLeaf = pki.issue({ name: `aia-${file}`, issuer: int, key: 'p256', extraExtensions: [`authorityInfoAccess = caIssuers;URI:${server.url}/${file}`] });
      const offline = await validateCertificate(cert(aiaLeaf), { purpose: 'signing' }, trust());
      expect(offline.verdict).toBe('untrusted-root');
      const online = await validateCertificate(cert(aiaLeaf), { purpose: 'signing' }, trust({ fetcher: nodePkiFetcher() }));
      expect(online.verdict, online.reasons.join(' ')).toBe('trusted');
      expect(online.path).toHaveLength(3);
      expect(server.requests).toContain(`/${file}`);
    }
  });

  it('reports an AIA URL that does not answer, and never fetches non-http URLs', async () => {
    const before = server.requests.length;
    const broken = pki.issue({
      name: 'aia-broken', issuer: int, key: 'p256',
      extraExtensions: [`authorityInfoAccess = caIssuers;URI:${server.url}/missing.cer, caIssuers;URI:ldap://127.0.0.1/cn=int`],
    });
    const result = await validateCertificate(cert(broken), { purpose: 'signing' }, trust({ fetcher: nodePkiFetcher() }));
    expect(result.verdict).toBe('untrusted-root');
    expect(result.reasons.join(' ')).toMatch(/missing\.cer could not be used: .*HTTP 404/);
    expect(server.requests.slice(before)).toEqual(['/missing.cer']);
  });

  it('does not trust a chain to another root, even when the message carries that root', async () => {
    const otherLeaf = otherPki.issue({ name: 'mallory', key: 'p256' });
    const result = await validateCertificate(cert(otherLeaf), signing({ messageCertificates: [cert(otherPki.root)] }), trust());
    expect(result.verdict).toBe('untrusted-root');
    expect(result.reasons[0]).toBe('The chain ends at "Test Root CA", a root certificate that is not trusted.');
    expect(result.path).toHaveLength(2);
    expect(opensslVerify(otherLeaf, [otherPki.root])).toMatch(/self-signed certificate in certificate chain/);
  });

  it('does not trust a self-signed end entity', async () => {
    const selfSigned = make('self-signed', { ext: LEAF_EXT.slice(0, 3) });
    const result = await validateCertificate(cert(selfSigned), signing({ messageCertificates: [cert(selfSigned)] }), trust());
    expect(result).toMatchObject({ verdict: 'untrusted-root', reasons: ['The certificate is self-signed and not a trusted root.'] });
    expect(opensslVerify(selfSigned, [selfSigned])).toMatch(/self-signed certificate/);
  });

  it('rejects a link whose signature does not verify', async () => {
    const der = new Uint8Array(leaf.certDer);
    der[der.length - 5]! ^= 0x01; // inside the ECDSA signature
    const result = await validateCertificate(readCertificates(der)[0]!, signing(), trust());
    expect(result.verdict).toBe('untrusted-root');
    expect(result.reasons.join(' ')).toMatch(/"int" has the issuer's name but did not sign "alice"/);
  });

  it('verifies RSA-PSS, ECDSA and Ed25519 links', async () => {
    const pssCa = make('pss-ca', { issuer: pki.root, key: 'rsa', ext: CA_EXT, sigopt: ['rsa_padding_mode:pss', 'rsa_pss_saltlen:32'] });
    const edCa = make('ed-ca', { issuer: pssCa, key: 'ed25519', ext: CA_EXT, sigopt: ['rsa_padding_mode:pss', 'rsa_pss_saltlen:32'] });
    const edLeaf = make('ed-leaf', { issuer: edCa, key: 'ed25519', ext: ['basicConstraints = critical, CA:FALSE', 'keyUsage = critical, digitalSignature', 'authorityKeyIdentifier = keyid'] });
    const result = await validateCertificate(cert(edLeaf), signing({ messageCertificates: [cert(edCa), cert(pssCa)] }), trust());
    expect(result.verdict, result.reasons.join(' ')).toBe('trusted');
    expect(result.path).toHaveLength(4);
    expect(opensslVerify(edLeaf, [edCa, pssCa])).toBe('OK');
    const forEncryption = await validateCertificate(cert(edLeaf), { purpose: 'encryption', messageCertificates: [cert(edCa), cert(pssCa)] }, trust());
    expect(forEncryption.verdict).toBe('wrong-usage');
  });

  it('ends on certificates that issue each other (no loop)', async () => {
    const a0 = make('loop-a0', { subject: '/CN=Loop A', ext: CA_EXT.slice(0, 2) });
    const b0 = make('loop-b0', { subject: '/CN=Loop B', ext: CA_EXT.slice(0, 2) });
    const aByB = make('loop-a-by-b', { subject: '/CN=Loop A', keyPath: a0.keyPath, issuer: b0, ext: CA_EXT.slice(0, 2) });
    const bByA = make('loop-b-by-a', { subject: '/CN=Loop B', keyPath: b0.keyPath, issuer: a0, ext: CA_EXT.slice(0, 2) });
    const loopLeaf = make('loop-leaf', { issuer: a0, ext: LEAF_EXT.slice(0, 3) });
    const result = await validateCertificate(cert(loopLeaf), signing({ messageCertificates: [cert(aByB), cert(bByA)] }), trust());
    expect(result.verdict).toBe('untrusted-root');
    expect(result.path).toHaveLength(3);
  });

  it(`tries at most ${LIMITS.chainCandidates} candidate issuers`, async () => {
    // Copies of the intermediate (same name and key identifier) holding another key: each is a
    // candidate whose link fails. The real intermediate comes after the cap.
    const otherKey = cert(otherPki.issue({ name: 'decoy-key', key: 'p256' })).subjectPublicKeyInfo;
    const decoys = Array.from({ length: LIMITS.chainCandidates + 2 }, (_, i) => {
      const decoy = cert(int);
      decoy.serialNumber = new asn1js.Integer({ value: 0x100 + i });
      decoy.subjectPublicKeyInfo = otherKey;
      decoy.tbsView = new Uint8Array(decoy.encodeTBS().toBER(false));
      return decoy;
    });
    const result = await validateCertificate(cert(leaf), signing({ messageCertificates: [...decoys, cert(int)] }), trust());
    expect(result.verdict).toBe('untrusted-root');
    expect(result.reasons).toContain(`More than ${LIMITS.chainCandidates} candidate issuers were tried.`);
  });
});

describe('validity', () => {
  it('says when the leaf expired', async () => {
    const expired = pki.issue({ name: 'expired', issuer: int, key: 'p256', startDate: '20200101000000Z', endDate: '20210101000000Z' });
    const result = await validateCertificate(cert(expired), signing(), trust());
    expect(result).toMatchObject({ verdict: 'expired', reasons: ['The certificate expired on 2021-01-01.'] });
    expect(opensslVerify(expired, [int])).toMatch(/certificate has expired/);
    // Valid when signed, expired now: still expired (the signing time is the signer's claim).
    const signedThen = await validateCertificate(cert(expired), signing({ signingTime: new Date('2020-06-01') }), trust());
    expect(signedThen.verdict).toBe('expired');
    expect(signedThen.reasons[0]).toBe('The certificate expired on 2021-01-01.');
    expect(signedThen.reasons.join(' ')).not.toMatch(/^The certificate (had|was)/);
  });

  it('checks every certificate at the signing time: outside the validity is expired, inside is trusted', async () => {
    const shortLived = pki.issue({ name: 'short-lived', issuer: int, key: 'p256', days: 30 });
    const after = new Date(Date.now() + 40 * 86_400_000);
    const late = await validateCertificate(cert(shortLived), signing({ signingTime: after }), trust());
    expect(late.verdict).toBe('expired');
    expect(late.reasons).toEqual([expect.stringMatching(/^The certificate had expired \(on .*\) when the message was signed on /)]);
    // The test root starts today, so an early signing time makes the whole chain not yet valid.
    const early = await validateCertificate(cert(shortLived), signing({ signingTime: new Date('2023-05-01T00:00:00Z') }), trust());
    expect(early.verdict).toBe('expired');
    expect(early.reasons).toContain('The issuing certificate "Test Root CA" was not yet valid (from ' + cert(pki.root).notBefore.value.toISOString().slice(0, 10) + ') when the message was signed on 2023-05-01.');
    const inside = await validateCertificate(cert(shortLived), signing({ signingTime: new Date() }), trust());
    expect(inside.verdict).toBe('trusted');
  });

  it('does not accept a certificate before its start date', async () => {
    const future = pki.issue({ name: 'future', issuer: int, key: 'p256', startDate: '20900101000000Z', endDate: '20950101000000Z' });
    const result = await validateCertificate(cert(future), signing(), trust());
    expect(result).toMatchObject({ verdict: 'expired', reasons: ['The certificate is not valid before 2090-01-01.'] });
    expect(opensslVerify(future, [int])).toMatch(/certificate is not yet valid/);
  });

  it('checks the issuers too, at the given now', async () => {
    const result = await validateCertificate(cert(leaf), signing(), trust({ now: new Date('2099-01-01T00:00:00Z') }));
    expect(result.verdict).toBe('expired');
    expect(result.reasons).toEqual(expect.arrayContaining([expect.stringMatching(/^The issuing certificate "int" expired on /), expect.stringMatching(/^The certificate expired on /)]));
  });
});

describe('usage', () => {
  it('wants digitalSignature or nonRepudiation to sign, keyEncipherment (RSA) or keyAgreement (EC) to encrypt', async () => {
    const encryptOnly = pki.issue({ name: 'rsa-encrypt-only', issuer: int, keyUsage: 'critical, keyEncipherment' });
    const signOnly = pki.issue({ name: 'ec-sign-only', issuer: int, key: 'p256', keyUsage: 'critical, digitalSignature' });
    const nonRepudiation = pki.issue({ name: 'ec-nr', issuer: int, key: 'p256', keyUsage: 'critical, nonRepudiation' });
    const verdict = async (c: IssuedCert, purpose: 'signing' | 'encryption') =>
      (await validateCertificate(cert(c), { purpose, messageCertificates: [cert(int)] }, trust())).verdict;
    expect(await verdict(encryptOnly, 'signing')).toBe('wrong-usage');
    expect(await verdict(encryptOnly, 'encryption')).toBe('trusted');
    expect(await verdict(signOnly, 'signing')).toBe('trusted');
    expect(await verdict(signOnly, 'encryption')).toBe('wrong-usage');
    expect(await verdict(nonRepudiation, 'signing')).toBe('trusted');
    expect(opensslVerify(encryptOnly, [int])).toMatch(/unsuitable certificate purpose/);
  });

  it('wants emailProtection (or anyExtendedKeyUsage) when an extended key usage is present', async () => {
    const serverOnly = pki.issue({ name: 'server-only', issuer: int, key: 'p256', extendedKeyUsage: 'serverAuth' });
    const anyUsage = pki.issue({ name: 'any-eku', issuer: int, key: 'p256', extendedKeyUsage: 'anyExtendedKeyUsage' });
    const noEku = pki.issue({ name: 'no-eku', issuer: int, key: 'p256', extendedKeyUsage: null });
    const result = await validateCertificate(cert(serverOnly), signing(), trust());
    expect(result).toMatchObject({ verdict: 'wrong-usage', reasons: ['The certificate is not meant for email (its extended key usage lacks emailProtection).'] });
    expect(opensslVerify(serverOnly, [int])).toMatch(/unsuitable certificate purpose/);
    expect((await validateCertificate(cert(anyUsage), signing(), trust())).verdict).toBe('trusted');
    expect((await validateCertificate(cert(noEku), signing(), trust())).verdict).toBe('trusted');
  });

  it('refuses an unknown critical extension on the leaf and on an issuer', async () => {
    const oddLeaf = pki.issue({ name: 'odd-leaf', issuer: int, key: 'p256', extraExtensions: ['1.3.6.1.4.1.55555.1 = critical, DER:0500'] });
    const leafResult = await validateCertificate(cert(oddLeaf), signing(), trust());
    expect(leafResult).toMatchObject({ verdict: 'wrong-usage', reasons: ['The certificate has a critical extension (1.3.6.1.4.1.55555.1) that is not understood.'] });
    expect(opensslVerify(oddLeaf, [int])).toMatch(/unhandled critical extension/);

    const oddCa = pki.issue({ name: 'odd-ca', ca: true, key: 'p256', extraExtensions: ['1.3.6.1.4.1.55555.1 = critical, DER:0500'] });
    const underOdd = pki.issue({ name: 'under-odd', issuer: oddCa, key: 'p256' });
    const caResult = await validateCertificate(cert(underOdd), signing({ messageCertificates: [cert(oddCa)] }), trust());
    expect(caResult.verdict).toBe('untrusted-root');
    expect(caResult.reasons).toEqual(['"odd-ca" has a critical extension (1.3.6.1.4.1.55555.1) that is not understood.']);
    expect(opensslVerify(underOdd, [oddCa])).toMatch(/unhandled critical extension/);
  });
});

describe('CA constraints', () => {
  it('refuses a chain through a certificate that is not a CA', async () => {
    const notCa = make('not-a-ca', { issuer: int, ext: LEAF_EXT });
    const underNotCa = make('under-not-a-ca', { issuer: notCa, ext: LEAF_EXT });
    const result = await validateCertificate(cert(underNotCa), signing({ messageCertificates: [cert(notCa), cert(int)] }), trust());
    expect(result.verdict).toBe('untrusted-root');
    expect(result.reasons).toContain('"not-a-ca" issued a certificate in the chain but is not a CA certificate.');
    expect(result.revocation.status).toBe('not-checked');
    expect(opensslVerify(underNotCa, [notCa, int])).toMatch(/invalid CA certificate/);
  });

  it('refuses a CA without keyCertSign', async () => {
    const noSign = make('no-cert-sign', { issuer: pki.root, ext: ['basicConstraints = critical, CA:TRUE', 'keyUsage = critical, cRLSign, digitalSignature'] });
    const under = make('under-no-cert-sign', { issuer: noSign, ext: LEAF_EXT });
    const result = await validateCertificate(cert(under), signing({ messageCertificates: [cert(noSign)] }), trust());
    expect(result).toMatchObject({ verdict: 'untrusted-root', reasons: ['"no-cert-sign" is not allowed to sign certificates (no keyCertSign).'] });
    expect(opensslVerify(under, [noSign])).not.toBe('OK');
  });

  it('enforces pathLenConstraint', async () => {
    const top = make('pathlen0', { issuer: pki.root, ext: ['basicConstraints = critical, CA:TRUE, pathlen:0', 'keyUsage = critical, keyCertSign'] });
    const middle = make('below-pathlen0', { issuer: top, ext: CA_EXT });
    const deep = make('deep-leaf', { issuer: middle, ext: LEAF_EXT });
    const result = await validateCertificate(cert(deep), signing({ messageCertificates: [cert(middle), cert(top)] }), trust());
    expect(result).toMatchObject({ verdict: 'untrusted-root', reasons: ['"pathlen0" allows 0 intermediate certificate(s) below it, and the chain has 1.'] });
    expect(opensslVerify(deep, [middle, top])).toMatch(/path length constraint exceeded/);
    const shallow = make('shallow-leaf', { issuer: top, ext: LEAF_EXT });
    expect((await validateCertificate(cert(shallow), signing({ messageCertificates: [cert(top)] }), trust())).verdict).toBe('trusted');
    expect(opensslVerify(shallow, [top])).toBe('OK');
  });

  it('puts untrusted root before expired before wrong usage', async () => {
    const lonelyCa = make('lonely-ca', { ext: CA_EXT.slice(0, 2) });
    const everything = make('everything-wrong', { issuer: lonelyCa, ext: ['basicConstraints = critical, CA:FALSE', 'extendedKeyUsage = serverAuth'] });
    const result = await validateCertificate(cert(everything), signing({ messageCertificates: [cert(lonelyCa)] }), trust({ now: new Date('2099-01-01') }));
    expect(result.verdict).toBe('untrusted-root');
    expect(result.reasons.map((r) => r.split(' ')[1])).toEqual(['chain', 'certificate', 'issuing', 'certificate']);
  });
});
