import { spawnSync } from 'node:child_process';
import fs from 'node:fs';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { readCertificates } from '@/lib/smime/certs/read-certificates';
import { validateCertificate } from '@/lib/smime/certs/validate-certificate';
import { createTestPki, openssl, type TestPki } from '../support/test-pki';

// Name constraints and certificate policies on chains made by OpenSSL, each verdict compared
// with `openssl verify -x509_strict -policy_check` (RFC 5280 processing with no initial explicit
// policy, as ours). OpenSSL differs where noted.
let pki: TestPki;

interface Made {
  name: string;
  certPath: string;
  keyPath: string;
  certDer: Uint8Array;
}

const CA = ['basicConstraints = critical, CA:TRUE', 'keyUsage = critical, keyCertSign, cRLSign', 'authorityKeyIdentifier = keyid'];
const LEAF = ['basicConstraints = critical, CA:FALSE', 'keyUsage = critical, digitalSignature, keyAgreement', 'extendedKeyUsage = emailProtection', 'authorityKeyIdentifier = keyid'];
const P1 = '1.3.6.1.4.1.99999.1';
const P2 = '1.3.6.1.4.1.99999.2';

/** A P-256 certificate from `openssl x509 -req`, any subject and extension lines (sections allowed). */
function make(name: string, issuer: Made | TestPki['root'], subject: string, ext: string[]): Made {
  const file = (suffix: string) => pki.file(`${name}.${suffix}`);
  openssl(['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', file('key')]);
  fs.writeFileSync(file('ext'), ['[ext]', 'subjectKeyIdentifier = hash', ...ext, ''].join('\n'));
  openssl(['req', '-new', '-key', file('key'), '-subj', subject, '-utf8', '-out', file('csr')]);
  openssl([
    'x509', '-req', '-in', file('csr'), '-CA', issuer.certPath, '-CAkey', issuer.keyPath, '-days', '30',
    '-set_serial', String(0x7000 + Math.floor(Math.random() * 0x10000)), '-extfile', file('ext'), '-extensions', 'ext', '-out', file('pem'),
  ]);
  return { name, certPath: file('pem'), keyPath: file('key'), certDer: new Uint8Array(openssl(['x509', '-in', file('pem'), '-outform', 'DER'])) };
}

const ca = (name: string, extra: string[], issuer: Made | TestPki['root'] = pki.root) => make(name, issuer, `/CN=${name}`, [...CA, ...extra]);
const leaf = (name: string, issuer: Made, email: string, extra: string[] = [], subject = `/CN=${name}`) =>
  make(name, issuer, subject, [...LEAF, `subjectAltName = email:${email}`, ...extra]);

/** Our verdict and reasons for signing, the chain's CAs carried in the message. */
async function verdictOf(end: Made, chain: Made[]) {
  const read = (made: { certDer: Uint8Array }) => readCertificates(made.certDer)[0]!;
  const result = await validateCertificate(read(end), { purpose: 'signing', messageCertificates: chain.map(read) }, { anchors: [read(pki.root)], revocation: 'off' });
  return { verdict: result.verdict, reasons: result.reasons.join(' ') };
}

/** `openssl verify` with RFC 5280 policy processing: "OK" or its error line. */
function opensslVerify(end: Made, chain: Made[]): string {
  fs.writeFileSync(pki.file('untrusted.pem'), chain.map((c) => fs.readFileSync(c.certPath, 'utf8')).join(''));
  const args = ['verify', '-x509_strict', '-policy_check', '-policy', 'anyPolicy', '-purpose', 'smimesign', '-CAfile', pki.root.certPath];
  if (chain.length > 0) args.push('-untrusted', pki.file('untrusted.pem'));
  const result = spawnSync('openssl', [...args, end.certPath], { encoding: 'utf8' });
  return result.status === 0 ? 'OK' : (result.stdout + result.stderr).split('\n').find((line) => line.includes('error')) ?? 'failed';
}

async function expectTrusted(end: Made, chain: Made[]) {
  const ours = await verdictOf(end, chain);
  expect(ours.verdict, ours.reasons).toBe('trusted');
  expect(opensslVerify(end, chain)).toBe('OK');
}

async function expectRefused(end: Made, chain: Made[], reason: string | RegExp, opensslError: RegExp) {
  const ours = await verdictOf(end, chain);
  expect(ours.verdict).toBe('untrusted-root');
  if (typeof reason === 'string') expect(ours.reasons).toContain(reason);
  else expect(ours.reasons).toMatch(reason);
  expect(opensslVerify(end, chain)).toMatch(opensslError);
}

beforeAll(() => {
  pki = createTestPki('sealpost-names-');
});
afterAll(() => pki?.cleanup());

describe('rfc822Name constraints', () => {
  it('permits only mailboxes in subdomains for ".example.org"', async () => {
    const int = ca('nc-domain', ['nameConstraints = critical, permitted;email:.example.org']);
    await expectTrusted(leaf('inside', int, 'alice@Mail.Example.ORG'), [int]);
    await expectRefused(leaf('host-itself', int, 'alice@example.org'), [int], 'The address alice@example.org is outside the names "nc-domain" may certify.', /permitted subtree violation/);
    await expectRefused(leaf('elsewhere', int, 'alice@other.org'), [int], 'The address alice@other.org is outside the names "nc-domain" may certify.', /permitted subtree violation/);
  });

  it('permits every mailbox at the host for "example.org", comparing the domain case-insensitively', async () => {
    const int = ca('nc-host', ['nameConstraints = critical, permitted;email:example.org']);
    await expectTrusted(leaf('at-host', int, 'Alice@Example.ORG'), [int]);
    await expectRefused(leaf('in-subdomain', int, 'bob@sub.example.org'), [int], /bob@sub\.example\.org is outside/, /permitted subtree violation/);
    await expectRefused(leaf('look-alike', int, 'bob@badexample.org'), [int], /bob@badexample\.org is outside/, /permitted subtree violation/);
  });

  it('checks the subject emailAddress too: an address outside in the subject fails even when subjectAltName is inside', async () => {
    const int = ca('nc-subject', ['nameConstraints = critical, permitted;email:example.org']);
    const sneaky = leaf('sneaky', int, 'alice@example.org', [], '/CN=sneaky/emailAddress=alice@other.org');
    await expectRefused(sneaky, [int], 'The address alice@other.org is outside the names "nc-subject" may certify.', /permitted subtree violation/);
    const honest = leaf('honest', int, 'alice@example.org', [], '/CN=honest/emailAddress=alice@example.org');
    await expectTrusted(honest, [int]);
  });

  it('matches a whole mailbox with a case-sensitive local part', async () => {
    const int = ca('nc-mailbox', ['nameConstraints = critical, permitted;email:alice@example.org']);
    await expectTrusted(leaf('the-mailbox', int, 'alice@EXAMPLE.org'), [int]);
    await expectRefused(leaf('other-case', int, 'Alice@example.org'), [int], /Alice@example\.org is outside/, /permitted subtree violation/);
  });

  it('refuses excluded subtrees, inside a permitted one or not', async () => {
    const int = ca('nc-excluded', ['nameConstraints = critical, permitted;email:.example.org, excluded;email:bad.example.org']);
    await expectTrusted(leaf('good', int, 'ok@good.example.org'), [int]);
    await expectRefused(leaf('bad', int, 'eve@BAD.example.org'), [int], 'The address eve@BAD.example.org is among the names "nc-excluded" may not certify.', /excluded subtree violation/);
  });

  it('applies every CA above a certificate: a lower CA cannot widen what a higher one permits', async () => {
    const top = ca('nc-top', ['nameConstraints = critical, permitted;email:.example.org']);
    const wider = ca('nc-wider', ['nameConstraints = critical, permitted;email:other.org'], top);
    const end = leaf('widened', wider, 'bob@other.org');
    await expectRefused(end, [wider, top], 'The address bob@other.org is outside the names "nc-top" may certify.', /permitted subtree violation/);
    const narrower = ca('nc-narrow', ['nameConstraints = critical, permitted;email:.mail.example.org'], top);
    await expectTrusted(leaf('narrowed', narrower, 'bob@x.mail.example.org'), [narrower, top]);
  });

  it('holds SmtpUTF8Mailbox names to rfc822Name constraints (RFC 8398), and fails closed on a non-ASCII domain', async () => {
    const int = ca('nc-utf8', ['nameConstraints = critical, permitted;email:example.org']);
    const utf8 = (name: string, mailbox: string) => make(name, int, `/CN=${name}`, [...LEAF, 'subjectAltName = @alt', '[alt]', `otherName.1 = 1.3.6.1.5.5.7.8.9;FORMAT:UTF8,UTF8:${mailbox}`]);
    await expectTrusted(utf8('utf8-inside', 'jörg@example.org'), [int]);
    await expectRefused(utf8('utf8-outside', 'jörg@other.org'), [int], 'The address jörg@other.org is outside the names "nc-utf8" may certify.', /permitted subtree violation/);
    // OpenSSL converts the domain to A-labels and finds it outside; we refuse without converting.
    await expectRefused(utf8('utf8-idn', 'jörg@bücher.example'), [int], /jörg@bücher\.example cannot be checked against the name constraints of "nc-utf8"/, /permitted subtree violation/);
  });
});

describe('other name forms', () => {
  it('checks directoryName constraints as a prefix of the subject RDN sequence', async () => {
    const int = ca('nc-dir', ['nameConstraints = critical, permitted;dirName:nc_dir', '[nc_dir]', 'O = Sealpost Tests', 'OU = Mail']);
    await expectTrusted(leaf('dir-inside', int, 'carol@example.org', [], '/O=SEALPOST  tests/OU=Mail/CN=carol'), [int]);
    await expectRefused(leaf('dir-outside', int, 'mallory@example.org', [], '/O=Other Org/OU=Mail/CN=mallory'), [int], /The name "O=Other Org, OU=Mail, CN=mallory" is outside the names "nc-dir" may certify\./, /permitted subtree violation/);
    await expectRefused(leaf('dir-reordered', int, 'dave@example.org', [], '/CN=dave/O=Sealpost Tests/OU=Mail'), [int], /"CN=dave, O=Sealpost Tests, OU=Mail" is outside/, /permitted subtree violation/);
  });

  it('checks dNSName constraints and leaves names of other types alone', async () => {
    const int = ca('nc-dns', ['nameConstraints = critical, permitted;DNS:example.org']);
    await expectTrusted(make('dns-inside', int, '/CN=dns-inside', [...LEAF, 'subjectAltName = email:a@anywhere.test, DNS:mail.example.org']), [int]);
    await expectTrusted(leaf('no-dns', int, 'a@anywhere.test'), [int]);
    const outside = make('dns-outside', int, '/CN=dns-outside', [...LEAF, 'subjectAltName = email:a@anywhere.test, DNS:example.com']);
    await expectRefused(outside, [int], 'The domain name example.com is outside the names "nc-dns" may certify.', /permitted subtree violation/);
  });

  it('fails closed on a constrained name type it does not compare (otherName UPN), and ignores the constraint when no such name is present', async () => {
    const int = ca('nc-upn', ['nameConstraints = critical, permitted;otherName:1.3.6.1.4.1.311.20.2.3;UTF8:example.org']);
    const upn = make('upn-leaf', int, '/CN=upn-leaf', [...LEAF, 'subjectAltName = email:a@example.org, otherName:1.3.6.1.4.1.311.20.2.3;UTF8:a@example.org']);
    await expectRefused(upn, [int], /The other name of type 1\.3\.6\.1\.4\.1\.311\.20\.2\.3 cannot be checked against the name constraints of "nc-upn"/, /unsupported name constraint type/);
    await expectTrusted(leaf('no-upn', int, 'a@example.org'), [int]);
  });
});

describe('certificate policies', () => {
  it('passes a critical requireExplicitPolicy when a policy runs through the chain, and refuses a leaf without one', async () => {
    const int = ca('pol-explicit', [`certificatePolicies = ${P1}`, 'policyConstraints = critical, requireExplicitPolicy:0']);
    await expectTrusted(leaf('pol-match', int, 'a@example.org', [`certificatePolicies = ${P1}`]), [int]);
    const reason = '"pol-explicit" requires a certificate policy that every certificate of the chain accepts, and none is left at "pol-none".';
    await expectRefused(leaf('pol-none', int, 'a@example.org'), [int], reason, /no explicit policy/);
    await expectRefused(leaf('pol-other', int, 'a@example.org', [`certificatePolicies = ${P2}`]), [int], /requires a certificate policy/, /no explicit policy/);
  });

  it('passes chains without required policies whatever they assert', async () => {
    const int = ca('pol-free', [`certificatePolicies = ${P1}`]);
    await expectTrusted(leaf('pol-free-none', int, 'a@example.org'), [int]);
    await expectTrusted(leaf('pol-free-other', int, 'a@example.org', [`certificatePolicies = ${P2}`]), [int]);
  });

  it('honours a critical inhibitAnyPolicy: anyPolicy below it no longer counts', async () => {
    const int = ca('pol-inhibit', ['certificatePolicies = 2.5.29.32.0', 'inhibitAnyPolicy = critical, 0', 'policyConstraints = critical, requireExplicitPolicy:0']);
    await expectTrusted(leaf('pol-named', int, 'a@example.org', [`certificatePolicies = ${P1}`]), [int]);
    await expectRefused(leaf('pol-any', int, 'a@example.org', ['certificatePolicies = 2.5.29.32.0']), [int], /requires a certificate policy/, /no explicit policy/);
    const lenient = ca('pol-inhibit-only', ['certificatePolicies = 2.5.29.32.0', 'inhibitAnyPolicy = critical, 0']);
    await expectTrusted(leaf('pol-any-lenient', lenient, 'a@example.org', ['certificatePolicies = 2.5.29.32.0']), [lenient]);
  });

  it('applies critical policyMappings, and inhibitPolicyMapping above them', async () => {
    const mapping = ca('pol-map', [`certificatePolicies = ${P1}`, `policyMappings = critical, ${P1}:${P2}`, 'policyConstraints = critical, requireExplicitPolicy:0']);
    await expectTrusted(leaf('pol-mapped', mapping, 'a@example.org', [`certificatePolicies = ${P2}`]), [mapping]);
    await expectRefused(leaf('pol-unmapped', mapping, 'a@example.org', [`certificatePolicies = ${P1}`]), [mapping], /requires a certificate policy/, /no explicit policy/);

    const top = ca('pol-no-map', ['certificatePolicies = 2.5.29.32.0', 'policyConstraints = critical, requireExplicitPolicy:0, inhibitPolicyMapping:0']);
    const lower = ca('pol-map-below', [`certificatePolicies = ${P1}`, `policyMappings = critical, ${P1}:${P2}`], top);
    await expectRefused(leaf('pol-map-inhibited', lower, 'a@example.org', [`certificatePolicies = ${P2}`]), [lower, top], /requires a certificate policy/, /no explicit policy/);
  });
});
