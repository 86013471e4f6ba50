import type * as pkijs from 'pkijs';
import { describe, expect, it } from 'vitest';

import { type MessageReport, type ReadResult, type SignatureReport, summarizeCertificate } from '../smime';

import type { CertbookRecord } from './certbook-entry';
import { LAST_SEEN_RESOLUTION_MS, planHarvest } from './harvest-plan';
import { importedRecord, planImport } from './import-plan';
import { contactCertificate, newKeys } from './test-certificates';

const NOW = new Date('2026-03-01T00:00:00Z');
const BOB = 'bob@sealpost.test';
const AES = ['2.16.840.1.101.3.4.1.46', '2.16.840.1.101.3.4.1.42'];

async function signature(signer: pkijs.Certificate, over: Partial<SignatureReport> = {}, encryption?: pkijs.Certificate): Promise<SignatureReport> {
  return {
    signerEmail: BOB,
    intact: true,
    chain: 'trusted',
    fromMatchesSigner: true,
    signingTime: '2026-02-28T10:00:00.000Z',
    algorithm: 'ecdsa-p256-sha256',
    weakAlgorithm: false,
    reasons: [],
    certificate: await summarizeCertificate(signer),
    chainCertificates: [],
    revocation: { status: 'good' },
    capabilities: AES,
    encryptionCertificate: encryption ? await summarizeCertificate(encryption) : null,
    ...over,
  };
}

function result(signatures: SignatureReport[], certificates: pkijs.Certificate[], over: Partial<MessageReport> = {}): ReadResult {
  const report: MessageReport = {
    encrypted: false,
    contentCipher: null,
    keyTransport: null,
    weakCipher: false,
    encryptionIntegrity: null,
    signed: true,
    partial: false,
    signatures,
    layers: [],
    text: '',
    attachments: [],
    errors: [],
    ...over,
  };
  return { report, plaintext: new Uint8Array(0), certificates };
}

/** The book record of a certificate, as if imported (key change checks ignore the origin). */
async function held(certificate: pkijs.Certificate): Promise<CertbookRecord> {
  const der = new Uint8Array(certificate.toSchema(false).toBER(false));
  const plan = await planImport(der, []);
  return importedRecord(plan.add[0]!, new Date('2026-01-01T00:00:00Z'));
}

describe('planHarvest: when to take a certificate', () => {
  it("takes a verified signer's certificate and its capabilities", async () => {
    const bob = await contactCertificate({ emails: [BOB], issuer: 'Issuing CA' });
    const plan = await planHarvest(result([await signature(bob.certificate)], [bob.certificate]), BOB, [], NOW);
    expect(plan.warnings).toEqual([]);
    expect(plan.writes).toHaveLength(1);
    expect(plan.writes[0]!.entry).toMatchObject({
      addresses: [BOB],
      origin: 'harvested',
      capabilities: AES,
      firstSeen: NOW.toISOString(),
      lastSeen: NOW.toISOString(),
      signingTime: '2026-02-28T10:00:00.000Z',
      isEncryptionCertificate: true,
      keyChange: null,
    });
    expect(plan.writes[0]!.entry.certificate).toEqual(bob.der);
  });

  it.each([
    ['the signature is broken', { intact: false }],
    ['the chain is not trusted', { chain: 'untrusted-root' as const }],
    ['the chain is revoked', { chain: 'revoked' as const }],
    ['the chain is expired', { chain: 'expired' as const }],
    ['the signer is not the sender', { fromMatchesSigner: false }],
    ['the algorithm is weak', { weakAlgorithm: true }],
  ])('takes nothing when %s', async (_, over) => {
    const bob = await contactCertificate({ emails: [BOB], issuer: 'Issuing CA' });
    const plan = await planHarvest(result([await signature(bob.certificate, over)], [bob.certificate]), BOB, [], NOW);
    expect(plan.writes).toEqual([]);
  });

  it('takes nothing from a message that is only partly signed, unsigned, or a certs-only bundle', async () => {
    const bob = await contactCertificate({ emails: [BOB], issuer: 'Issuing CA' });
    const sig = await signature(bob.certificate);
    expect((await planHarvest(result([sig], [bob.certificate], { signed: false, partial: true }), BOB, [], NOW)).writes).toEqual([]);
    expect((await planHarvest(result([], [bob.certificate], { signed: false }), BOB, [], NOW)).writes).toEqual([]);
    const certsOnly = result([], [bob.certificate], { signed: false, layers: [{ kind: 'certs-only', partPath: '', errors: [] }] });
    expect((await planHarvest(certsOnly, BOB, [], NOW)).writes).toEqual([]);
  });

  it('takes nothing without a From address, or when the certificate does not name it', async () => {
    const bob = await contactCertificate({ emails: [BOB], issuer: 'Issuing CA' });
    const r = result([await signature(bob.certificate)], [bob.certificate]);
    expect((await planHarvest(r, null, [], NOW)).writes).toEqual([]);
    expect((await planHarvest(r, 'mallory@sealpost.test', [], NOW)).writes).toEqual([]);
  });

  it('takes only the certificates of signatures that verified, not others the message carried', async () => {
    const bob = await contactCertificate({ emails: [BOB], issuer: 'Issuing CA' });
    const stranger = await contactCertificate({ emails: [BOB], issuer: 'Evil CA' });
    const plan = await planHarvest(result([await signature(bob.certificate)], [stranger.certificate, bob.certificate]), BOB, [], NOW);
    expect(plan.writes.map((w) => w.entry.certificate)).toEqual([bob.der]);
  });

  it("takes the EncryptionKeyPreference's certificate when the message carries it", async () => {
    const signing = await contactCertificate({ emails: [BOB], issuer: 'Issuing CA' });
    const encryption = await contactCertificate({ emails: [BOB], issuer: 'Issuing CA' });
    const sig = await signature(signing.certificate, {}, encryption.certificate);
    const plan = await planHarvest(result([sig], [signing.certificate, encryption.certificate]), BOB, [], NOW);
    expect(plan.writes.map((w) => [w.entry.certificate, w.entry.isEncryptionCertificate])).toEqual([
      [signing.der, false],
      [encryption.der, true],
    ]);
    expect(plan.warnings).toEqual([]);
    // Named but not carried: only the signing certificate.
    const notCarried = await planHarvest(result([sig], [signing.certificate]), BOB, [], NOW);
    expect(notCarried.writes.map((w) => w.entry.certificate)).toEqual([signing.der]);
  });
});

describe('planHarvest: certificates already in the book', () => {
  it('writes nothing when nothing changed, and lastSeen only once a day', async () => {
    const bob = await contactCertificate({ emails: [BOB], issuer: 'Issuing CA' });
    const r = result([await signature(bob.certificate)], [bob.certificate]);
    const [first] = (await planHarvest(r, BOB, [], NOW)).writes;
    expect((await planHarvest(r, BOB, [first!], new Date(NOW.getTime() + 60_000))).writes).toEqual([]);
    const dayLater = new Date(NOW.getTime() + LAST_SEEN_RESOLUTION_MS);
    const [again] = (await planHarvest(r, BOB, [first!], dayLater)).writes;
    expect(again!.entry).toMatchObject({ firstSeen: NOW.toISOString(), lastSeen: dayLater.toISOString(), origin: 'harvested' });
  });

  it('keeps the newest capabilities and keeps an imported origin', async () => {
    const bob = await contactCertificate({ emails: [BOB], issuer: 'Issuing CA' });
    const imported = await held(bob.certificate);
    const r = result([await signature(bob.certificate, { capabilities: ['2.16.840.1.101.3.4.1.2'] })], [bob.certificate]);
    const [updated] = (await planHarvest(r, BOB, [imported], NOW)).writes;
    expect(updated!.entry).toMatchObject({ origin: 'imported', capabilities: ['2.16.840.1.101.3.4.1.2'], firstSeen: imported.entry.firstSeen });
    const older = result([await signature(bob.certificate, { signingTime: '2020-01-01T00:00:00.000Z' })], [bob.certificate]);
    expect((await planHarvest(older, BOB, [updated!], NOW)).writes).toEqual([]);
  });
});

describe('planHarvest: the key-change warning', () => {
  it('warns when a new key from another issuer replaces a still-valid certificate, and flags the new entry', async () => {
    const old = await held((await contactCertificate({ emails: [BOB], issuer: 'Issuing CA' })).certificate);
    const evil = await contactCertificate({ emails: [BOB], issuer: 'Other CA' });
    const plan = await planHarvest(result([await signature(evil.certificate)], [evil.certificate]), BOB, [old], NOW);
    expect(plan.warnings).toHaveLength(1);
    expect(plan.warnings[0]!.address).toBe(BOB);
    expect(plan.warnings[0]!.message).toMatch(/bob@sealpost\.test changed unexpectedly.*Other CA.*Issuing CA.*2035-01-01/);
    expect(plan.writes).toHaveLength(1);
    expect(plan.writes[0]!.entry.keyChange).toEqual({ detectedAt: NOW.toISOString(), message: plan.warnings[0]!.message });
  });

  it('is silent for a renewal from the same issuer (new key)', async () => {
    const old = await held((await contactCertificate({ emails: [BOB], issuer: 'Issuing CA' })).certificate);
    const renewed = await contactCertificate({ emails: [BOB], issuer: 'Issuing CA' });
    const plan = await planHarvest(result([await signature(renewed.certificate)], [renewed.certificate]), BOB, [old], NOW);
    expect(plan.warnings).toEqual([]);
    expect(plan.writes[0]!.entry.keyChange).toBeNull();
  });

  it('is silent for the same key certified by another issuer', async () => {
    const keys = await newKeys();
    const old = await held((await contactCertificate({ emails: [BOB], issuer: 'Issuing CA', keys })).certificate);
    const moved = await contactCertificate({ emails: [BOB], issuer: 'Other CA', keys });
    expect((await planHarvest(result([await signature(moved.certificate)], [moved.certificate]), BOB, [old], NOW)).warnings).toEqual([]);
  });

  it('is silent when the certificate held has expired', async () => {
    const old = await held((await contactCertificate({ emails: [BOB], issuer: 'Issuing CA', notAfter: '2026-02-01T00:00:00Z' })).certificate);
    const next = await contactCertificate({ emails: [BOB], issuer: 'Other CA' });
    expect((await planHarvest(result([await signature(next.certificate)], [next.certificate]), BOB, [old], NOW)).warnings).toEqual([]);
  });

  it('treats an issuer of the same name but another key identifier as another issuer', async () => {
    const old = await held((await contactCertificate({ emails: [BOB], issuer: 'Issuing CA', authorityKeyId: [1, 2, 3] })).certificate);
    const lookalike = await contactCertificate({ emails: [BOB], issuer: 'Issuing CA', authorityKeyId: [9, 9, 9] });
    const plan = await planHarvest(result([await signature(lookalike.certificate)], [lookalike.certificate]), BOB, [old], NOW);
    expect(plan.warnings.map((w) => w.address)).toEqual([BOB]);
  });

  it("ignores other addresses' certificates", async () => {
    const carol = await held((await contactCertificate({ emails: ['carol@sealpost.test'], issuer: 'Issuing CA' })).certificate);
    const bob = await contactCertificate({ emails: [BOB], issuer: 'Other CA' });
    expect((await planHarvest(result([await signature(bob.certificate)], [bob.certificate]), BOB, [carol], NOW)).warnings).toEqual([]);
  });
});
