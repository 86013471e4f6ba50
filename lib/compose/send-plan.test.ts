import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { DEFAULT_SECURITY_POLICY, type SecurityPolicy } from '@/lib/policy/security-policy';
import { type Identity, type PkiFetcher, type TrustSettings, readCertificates, readMessage, softKeyFromPkcs8 } from '@/lib/smime';
import { createTestPki, type IssuedCert, type TestPki } from '@/tests/support/test-pki';

import { attachCertificates } from './attach-certificate';
import { buildProtected, type BuildStep, localSmime } from './build-protected';
import type { CandidateCertificate, CertificateOrigin } from './recipient-assessment';
import { type SendChoices, decideSend, planProtectedSend, policyCipher } from './send-plan';

// planProtectedSend and buildProtected with the real lib/smime and a PKI made by OpenSSL: the
// demo users' situations (valid, expired, revoked, untrusted, wrong usage, weak key, none), a
// fake address book, and the CMS of every envelope taken apart to see who can open it.

const CRL_URL = 'http://crl.test/root.crl';
const GCM_OID = '2.16.840.1.101.3.4.1.46';

let pki: TestPki;
let other: TestPki;
const issued: Record<string, IssuedCert> = {};
const cert = (name: string) => readCertificates(issued[name]!.certDer)[0]!;
const identity = (name: string): Identity => ({ certificate: cert(name), key: softKeyFromPkcs8(issued[name]!.keyPkcs8) });
let trust: TrustSettings;
let fetched: string[];

/** The address book: address -> candidates, with where each came from. */
let book: Record<string, { name: string; origin: CertificateOrigin; capabilities?: string[] }[]>;
const certificates = {
  async recipientCertificates(address: string): Promise<CandidateCertificate[]> {
    if (address === 'down@sealpost.test') throw new Error('directory down');
    return (book[address] ?? []).map((c) => ({ certificate: cert(c.name), origin: c.origin, capabilities: c.capabilities ?? null }));
  },
};

beforeAll(() => {
  pki = createTestPki('sealpost-compose-');
  other = createTestPki('sealpost-compose-other-');
  const crl = [`crlDistributionPoints = URI:${CRL_URL}`];
  const user = (name: string, spec: Partial<Parameters<TestPki['issue']>[0]> = {}) =>
    (issued[name] = pki.issue({ name, email: `${name}@sealpost.test`, extraExtensions: crl, ...spec }));
  for (const name of ['alice', 'bob', 'carol', 'dave', 'erin']) user(name);
  user('expired', { startDate: '20200101000000Z', endDate: '20210101000000Z' });
  user('signonly', { keyUsage: 'critical, digitalSignature' });
  user('weak', { key: 'rsa-1024' });
  user('revoked');
  pki.revoke(issued.revoked!);
  issued.stranger = other.issue({ name: 'stranger', email: 'stranger@sealpost.test' });
  const crlDer = pki.crl(pki.root);
  fetched = [];
  const fetcher: PkiFetcher = {
    async fetch(request) {
      fetched.push(request.url);
      if (request.url === CRL_URL) return crlDer;
      throw new Error(`no such URL ${request.url}`);
    },
  };
  trust = { anchors: readCertificates(pki.root.certDer), fetcher, revocation: 'soft-fail' };
}, 60_000);

afterAll(() => {
  pki?.cleanup();
  other?.cleanup();
});

const policy = (change: Partial<SecurityPolicy> = {}): SecurityPolicy => ({ ...DEFAULT_SECURITY_POLICY, ...change });
const choices = (change: Partial<SendChoices>): SendChoices => ({
  from: 'alice@sealpost.test',
  to: [],
  cc: [],
  bcc: [],
  sign: true,
  encrypt: true,
  sendUnencryptedTo: [],
  ...change,
});
const keys = () => ({ signer: identity('alice'), ownCertificate: cert('alice') });
const deps = (p = policy()) => ({ certificates, trust, policy: p });

function message(to: string, cc = ''): Uint8Array {
  const lines = [
    'From: alice@sealpost.test',
    `To: ${to}`,
    ...(cc ? [`Cc: ${cc}`] : []),
    'Subject: plans',
    'Date: Mon, 23 Nov 2026 10:00:00 +0000',
    'Message-ID: <plan@sealpost.test>',
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=utf-8',
    'Content-Transfer-Encoding: quoted-printable',
    '',
    'The secret is 42.',
    '',
  ];
  return new TextEncoder().encode(lines.join('\r\n'));
}

/** The serial numbers (hex) of the certificates an encrypted message's RecipientInfos name. */
function recipientSerials(raw: Uint8Array): string[] {
  const text = new TextDecoder().decode(raw);
  expect(text).toMatch(/Content-Type: application\/pkcs7-mime; smime-type=(enveloped|authEnveloped)-data/);
  const body = text.slice(text.indexOf('\r\n\r\n') + 4).replace(/\s+/g, '');
  const der = Uint8Array.from(atob(body), (c) => c.charCodeAt(0));
  // EnvelopedData and AuthEnvelopedData (RFC 5652 section 6.1, RFC 5083) both start with a
  // version, an optional [0] originatorInfo and the SET of RecipientInfos.
  const content = pkijs.ContentInfo.fromBER(der).content as asn1js.Sequence;
  const set = content.valueBlock.value.find((item) => item instanceof asn1js.Set) as asn1js.Set;
  return set.valueBlock.value.map((item) => {
    const ri = new pkijs.RecipientInfo({ schema: item });
    const rid = (ri.value as pkijs.KeyTransRecipientInfo).rid as pkijs.IssuerAndSerialNumber;
    return Buffer.from(rid.serialNumber.valueBlock.valueHexView).toString('hex');
  });
}
const serial = (name: string) => Buffer.from(cert(name).serialNumber.valueBlock.valueHexView).toString('hex');

async function openAs(name: string, raw: Uint8Array) {
  return readMessage(raw, { identities: [identity(name)], trust });
}

describe('planProtectedSend: recipients', () => {
  it('says for each recipient whether its certificate can be used, and where it came from', async () => {
    book = {
      'bob@sealpost.test': [{ name: 'bob', origin: 'harvested' }],
      'carol@sealpost.test': [{ name: 'carol', origin: 'directory' }],
      'expired@sealpost.test': [{ name: 'expired', origin: 'imported' }],
      'revoked@sealpost.test': [{ name: 'revoked', origin: 'directory' }],
      'stranger@sealpost.test': [{ name: 'stranger', origin: 'imported' }],
      'signonly@sealpost.test': [{ name: 'signonly', origin: 'directory' }],
      'weak@sealpost.test': [{ name: 'weak', origin: 'harvested' }],
      // The directory gave bob's certificate for dave: it does not name dave.
      'dave@sealpost.test': [{ name: 'bob', origin: 'directory' }],
    };
    const to = ['Bob@Sealpost.test', 'carol@sealpost.test', 'expired@sealpost.test', 'revoked@sealpost.test', 'stranger@sealpost.test'];
    const cc = ['signonly@sealpost.test', 'weak@sealpost.test', 'dave@sealpost.test', 'nobody@sealpost.test', 'down@sealpost.test'];
    const plan = await planProtectedSend(choices({ to, cc }), keys(), deps());
    const states = Object.fromEntries(plan.recipients.map((r) => [r.address, [r.assessment?.state, r.assessment?.origin, r.delivery]]));
    expect(states).toEqual({
      'bob@sealpost.test': ['valid', 'harvested', 'encrypted'],
      'carol@sealpost.test': ['valid', 'directory', 'encrypted'],
      'expired@sealpost.test': ['expired', 'imported', 'blocked'],
      'revoked@sealpost.test': ['revoked', 'directory', 'blocked'],
      'stranger@sealpost.test': ['untrusted', 'imported', 'blocked'],
      'signonly@sealpost.test': ['wrong-usage', 'directory', 'blocked'],
      'weak@sealpost.test': ['weak-key', 'harvested', 'blocked'],
      'dave@sealpost.test': ['wrong-address', 'directory', 'blocked'],
      'nobody@sealpost.test': ['none', null, 'blocked'],
      'down@sealpost.test': ['lookup-failed', null, 'blocked'],
    });
    expect(fetched).toContain(CRL_URL);
    expect(plan.blocked).toBe(true);
    expect(plan.envelopes).toEqual([]);
    expect(plan.problems.filter((p) => p.code === 'recipient-not-encryptable').map((p) => p.address)).toHaveLength(8);
  });

  it('takes the first valid candidate, and shows the least bad one when none is', async () => {
    book = {
      'bob@sealpost.test': [
        { name: 'expired', origin: 'harvested' },
        { name: 'bob', origin: 'directory' },
      ],
      'carol@sealpost.test': [
        { name: 'stranger', origin: 'harvested' },
        { name: 'carol', origin: 'imported' },
      ],
    };
    const plan = await planProtectedSend(choices({ to: ['bob@sealpost.test', 'carol@sealpost.test'] }), keys(), deps());
    expect(plan.recipients.map((r) => [r.assessment?.state, r.assessment?.origin])).toEqual([
      ['valid', 'directory'],
      ['valid', 'imported'],
    ]);
    expect(plan.blocked).toBe(false);
  });

  it('blocks until the user explicitly chooses an unencrypted copy, which goes separately and signed', async () => {
    book = { 'bob@sealpost.test': [{ name: 'bob', origin: 'harvested' }] };
    const base = choices({ to: ['bob@sealpost.test', 'nobody@sealpost.test'] });
    expect((await planProtectedSend(base, keys(), deps())).blocked).toBe(true);

    const plan = await planProtectedSend({ ...base, sendUnencryptedTo: ['Nobody@sealpost.test'] }, keys(), deps());
    expect(plan.blocked).toBe(false);
    expect(plan.envelopes.map((e) => [e.kind, e.to, e.encryptTo.length])).toEqual([
      ['main', ['bob@sealpost.test'], 2],
      ['unencrypted', ['nobody@sealpost.test'], 0],
    ]);
    const built = await buildProtected(message('bob@sealpost.test, nobody@sealpost.test'), plan);
    const copy = built.separate[0]!;
    expect(copy.to).toEqual(['nobody@sealpost.test']);
    const read = await openAs('bob', copy.raw);
    expect(read.report.encrypted).toBe(false);
    expect(read.report.signed).toBe(true);
    expect(read.report.signatures[0]?.chain).toBe('trusted');
    expect(recipientSerials(built.raw).sort()).toEqual([serial('bob'), serial('alice')].sort());
  });

  it('never sends unencrypted when the policy forbids it, whatever the user chose', async () => {
    book = {};
    const plan = await planProtectedSend(
      choices({ to: ['nobody@sealpost.test'], sendUnencryptedTo: ['nobody@sealpost.test'] }),
      keys(),
      deps(policy({ allowUnencryptedToRecipientsWithoutCertificate: false })),
    );
    expect(plan.blocked).toBe(true);
    expect(plan.recipients[0]?.delivery).toBe('blocked');
    expect(plan.problems[0]?.message).toContain('the policy allows no unencrypted copies');
  });

  it('encrypts to a recipient who has a valid certificate even when an unencrypted copy was chosen earlier', async () => {
    book = { 'bob@sealpost.test': [{ name: 'bob', origin: 'harvested' }] };
    const plan = await planProtectedSend(choices({ to: ['bob@sealpost.test'], sendUnencryptedTo: ['bob@sealpost.test'] }), keys(), deps());
    expect(plan.envelopes.map((e) => e.kind)).toEqual(['main']);
  });
});

describe('planProtectedSend: the sender and the policy', () => {
  it('refuses to sign without an identity and to encrypt without the sender\'s own certificate', async () => {
    book = { 'bob@sealpost.test': [{ name: 'bob', origin: 'harvested' }] };
    const plan = await planProtectedSend(choices({ to: ['bob@sealpost.test'] }), { signer: null, ownCertificate: null }, deps());
    expect(plan.problems.map((p) => p.code).sort()).toEqual(['no-own-certificate', 'no-signing-identity']);
    expect(plan.blocked).toBe(true);
  });

  it('enforces required signing and encryption, the smallest signing key and the allowed hashes', async () => {
    book = {};
    const required = await planProtectedSend(choices({ to: ['nobody@sealpost.test'], sign: false, encrypt: false }), keys(), deps(policy({ requireSigning: true, requireEncryption: true })));
    expect(required.problems.map((p) => p.code)).toEqual(['signing-required', 'encryption-required']);

    const weak = await planProtectedSend(choices({ to: ['x@sealpost.test'], encrypt: false }), { signer: identity('weak'), ownCertificate: null }, deps());
    expect(weak.problems.map((p) => p.code)).toEqual(['weak-signing-key']);

    const sha1Only = await planProtectedSend(choices({ to: ['x@sealpost.test'], encrypt: false }), keys(), deps(policy({ allowedSignatureHashes: ['SHA-1'] })));
    expect(sha1Only.problems.map((p) => p.code)).toEqual(['no-allowed-hash']);

    const hash = await planProtectedSend(choices({ to: ['x@sealpost.test'], encrypt: false }), keys(), deps(policy({ allowedSignatureHashes: ['SHA-1', 'SHA-512'], defaultSigningFormat: 'opaque' })));
    expect(hash.signing).toEqual({ format: 'opaque', hash: 'SHA-512' });
    expect(hash.envelopes).toEqual([{ kind: 'main', to: ['x@sealpost.test'], encryptTo: [], cipher: null }]);
  });

  it('chooses the cipher from the capabilities, within the policy', () => {
    const gcm = [GCM_OID];
    expect(policyCipher([gcm, gcm], policy())).toBe('aes-256-gcm');
    expect(policyCipher([gcm, null], policy())).toBe('aes-256-cbc');
    expect(policyCipher([gcm], policy({ allowedSendCiphers: ['aes-128-gcm', 'aes-128-cbc'] }))).toBe('aes-128-gcm');
    expect(policyCipher([null], policy({ allowedSendCiphers: ['aes-128-gcm', 'aes-128-cbc'] }))).toBe('aes-128-cbc');
    expect(policyCipher([null], policy({ everyoneReadsGcm: true }))).toBe('aes-256-gcm');
    expect(policyCipher([gcm], policy({ allowedSendCiphers: ['aes-256-cbc'] }))).toBe('aes-256-cbc');
    expect(policyCipher([null], policy({ allowedSendCiphers: [] }))).toBeNull();
  });

  it('is blocked when the policy leaves no cipher', () => {
    const assessment = { address: 'bob@sealpost.test', state: 'valid' as const, certificate: cert('bob'), origin: 'harvested' as const, capabilities: null, reasons: [] };
    const plan = decideSend(choices({ to: ['bob@sealpost.test'] }), keys(), new Map([['bob@sealpost.test', assessment]]), policy({ allowedSendCiphers: [] }));
    expect(plan.problems.map((p) => p.code)).toEqual(['no-allowed-cipher']);
  });
});

describe('buildProtected', () => {
  it('gives each Bcc recipient an envelope of their own, and keeps the main message readable by the sender', async () => {
    book = {
      'bob@sealpost.test': [{ name: 'bob', origin: 'harvested', capabilities: [GCM_OID] }],
      'carol@sealpost.test': [{ name: 'carol', origin: 'directory' }],
      'dave@sealpost.test': [{ name: 'dave', origin: 'directory', capabilities: [GCM_OID] }],
      'erin@sealpost.test': [{ name: 'erin', origin: 'imported' }],
    };
    const plan = await planProtectedSend(
      choices({ to: ['bob@sealpost.test'], cc: ['carol@sealpost.test'], bcc: ['dave@sealpost.test', 'erin@sealpost.test', 'bob@sealpost.test'] }),
      keys(),
      deps(),
    );
    expect(plan.blocked).toBe(false);
    // bob is in To: listed once, and no Bcc envelope for him.
    expect(plan.envelopes.map((e) => [e.kind, e.to, e.cipher])).toEqual([
      ['main', ['bob@sealpost.test', 'carol@sealpost.test'], 'aes-256-cbc'],
      ['bcc', ['dave@sealpost.test'], 'aes-256-gcm'],
      ['bcc', ['erin@sealpost.test'], 'aes-256-cbc'],
    ]);
    const steps: BuildStep[] = [];
    const built = await buildProtected(message('bob@sealpost.test', 'carol@sealpost.test'), plan, { onProgress: (s) => steps.push(s) });
    expect(steps).toEqual([
      { step: 'signing' },
      { step: 'encrypting', done: 0, total: 3 },
      { step: 'encrypting', done: 1, total: 3 },
      { step: 'encrypting', done: 2, total: 3 },
    ]);

    expect(recipientSerials(built.raw).sort()).toEqual([serial('bob'), serial('carol'), serial('alice')].sort());
    expect(built.separate.map((s) => [s.kind, s.to])).toEqual([
      ['bcc', ['dave@sealpost.test']],
      ['bcc', ['erin@sealpost.test']],
    ]);
    expect(recipientSerials(built.separate[0]!.raw).sort()).toEqual([serial('dave'), serial('alice')].sort());
    expect(recipientSerials(built.separate[1]!.raw).sort()).toEqual([serial('erin'), serial('alice')].sort());
    expect(new TextDecoder().decode(built.separate[0]!.raw)).toContain('smime-type=authEnveloped-data');

    // The sender reads the main message (its Sent copy), signed and verified.
    const own = await openAs('alice', built.raw);
    expect(own.report.encrypted).toBe(true);
    expect(own.report.signed).toBe(true);
    expect(own.report.text).toContain('The secret is 42.');
    // dave reads his copy, erin cannot read dave's.
    expect((await openAs('dave', built.separate[0]!.raw)).report.text).toContain('The secret is 42.');
    const erin = await openAs('erin', built.separate[0]!.raw);
    expect(erin.report.text).not.toContain('The secret is 42.');
    expect(erin.report.errors.length + erin.report.layers.flatMap((l) => l.errors).length).toBeGreaterThan(0);
  });

  it('sends only to Sent when every recipient is Bcc', async () => {
    book = { 'dave@sealpost.test': [{ name: 'dave', origin: 'directory' }] };
    const plan = await planProtectedSend(choices({ bcc: ['dave@sealpost.test'], sign: false }), keys(), deps());
    expect(plan.envelopes.map((e) => [e.kind, e.to])).toEqual([
      ['main', []],
      ['bcc', ['dave@sealpost.test']],
    ]);
    const built = await buildProtected(message('undisclosed-recipients:;'), plan);
    expect(recipientSerials(built.raw)).toEqual([serial('alice')]);
    const read = await openAs('alice', built.raw);
    expect(read.report.signed).toBe(false);
    expect(read.report.text).toContain('The secret is 42.');
  });

  it('signs opaquely when asked, through the injected engine', async () => {
    const calls: string[] = [];
    const engine = {
      ...localSmime,
      signMessage: (raw: Uint8Array, signer: Identity, options?: object) => {
        calls.push(JSON.stringify(options));
        return localSmime.signMessage(raw, signer, options);
      },
    };
    const plan = await planProtectedSend(choices({ to: ['x@sealpost.test'], encrypt: false, signingFormat: 'opaque' }), keys(), deps());
    const built = await buildProtected(message('x@sealpost.test'), plan, { smime: engine });
    expect(calls).toEqual(['{"opaque":true,"hash":"SHA-256","headerProtection":{"mode":"clear"}}']);
    expect(new TextDecoder().decode(built.raw)).toContain('smime-type=signed-data');
    expect((await openAs('bob', built.raw)).report.signed).toBe(true);
  });

  it('protects the header fields (RFC 9788): "cipher" with the Subject hidden when every copy is encrypted, signed or not', async () => {
    book = { 'bob@sealpost.test': [{ name: 'bob', origin: 'harvested' }] };
    for (const sign of [true, false]) {
      const plan = await planProtectedSend(choices({ to: ['bob@sealpost.test'], sign, hideSubject: true }), keys(), deps());
      expect(plan.headerProtection).toEqual({ mode: 'cipher', hideSubject: true });
      const built = await buildProtected(message('bob@sealpost.test'), plan);
      const outside = new TextDecoder().decode(built.raw);
      expect(outside, `sign: ${sign}`).toContain('Subject: [...]');
      expect(outside).not.toContain('plans');
      const { report } = await openAs('bob', built.raw);
      expect(report, `sign: ${sign}`).toMatchObject({ signed: sign, protectedHeaders: { mode: 'cipher', confidential: ['Subject'], outerDiffers: [] } });
      expect(report.protectedHeaders?.fields).toContainEqual({ name: 'Subject', value: 'plans' });
    }
  });

  it('an unencrypted copy keeps the Subject visible and protects it as "clear"; plain sending protects nothing', async () => {
    book = { 'bob@sealpost.test': [{ name: 'bob', origin: 'harvested' }] };
    const withCopy = await planProtectedSend(
      choices({ to: ['bob@sealpost.test', 'nobody@sealpost.test'], sendUnencryptedTo: ['nobody@sealpost.test'], hideSubject: true }),
      keys(),
      deps(),
    );
    expect(withCopy.headerProtection).toEqual({ mode: 'clear' });
    const built = await buildProtected(message('bob@sealpost.test, nobody@sealpost.test'), withCopy);
    expect(new TextDecoder().decode(built.separate[0]!.raw)).toContain('Subject: plans');
    expect((await openAs('bob', built.raw)).report.protectedHeaders).toMatchObject({ mode: 'clear', confidential: [] });
    expect((await planProtectedSend(choices({ to: ['bob@sealpost.test'], sign: false, encrypt: false }), keys(), deps())).headerProtection).toBeNull();
  });

  it('refuses a blocked plan', async () => {
    book = {};
    const plan = await planProtectedSend(choices({ to: ['nobody@sealpost.test'] }), keys(), deps());
    await expect(buildProtected(message('nobody@sealpost.test'), plan)).rejects.toThrow(/does not allow/);
  });
});

describe('attachCertificates', () => {
  it('adds a certs-only smime.p7c part that a reader takes the certificates from', async () => {
    const raw = attachCertificates(message('bob@sealpost.test'), [cert('alice')]);
    const text = new TextDecoder().decode(raw);
    expect(text).toContain('Content-Type: multipart/mixed');
    expect(text).toMatch(/Content-Type: application\/pkcs7-mime; smime-type=certs-only;\r\n name="smime.p7c"/);
    const read = await openAs('bob', raw);
    expect(read.report.text).toContain('The secret is 42.');
    expect(read.report.attachments.map((a) => [a.filename, a.contentType])).toContainEqual(['smime.p7c', 'application/pkcs7-mime']);
    // The part's bytes are a PKCS#7 certs-only bundle holding alice's certificate.
    const part = text.slice(text.indexOf('filename="smime.p7c"'));
    const base64 = part.slice(part.indexOf('\r\n\r\n') + 4, part.indexOf('\r\n--')).replace(/\s+/g, '');
    const bundle = readCertificates(Uint8Array.from(atob(base64), (c) => c.charCodeAt(0)));
    expect(bundle.map((c) => Buffer.from(c.serialNumber.valueBlock.valueHexView).toString('hex'))).toEqual([serial('alice')]);
    // And the signed message still verifies with the part inside.
    const signed = await localSmime.signMessage(raw, identity('alice'));
    expect((await openAs('bob', signed)).report.signed).toBe(true);
  });
});
