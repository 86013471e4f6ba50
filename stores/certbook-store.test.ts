import type * as pkijs from 'pkijs';
import { describe, expect, it } from 'vitest';

import { ApiRequestError } from '@/lib/api/client';
import type { DirectoryCertificateBytes } from '@/lib/api/directory-answer';
import type { CertbookListing } from '@/lib/api/types';
import { decodeEntry, encodeEntry } from '@/lib/certbook/certbook-entry';
import { importedRecord, planImport } from '@/lib/certbook/import-plan';
import { contactCertificate } from '@/lib/certbook/test-certificates';
import { type ReadResult, type SignatureReport, summarizeCertificate } from '@/lib/smime';

import { type CertbookApi, createCertbookStore } from './certbook-store';

const BOB = 'bob@sealpost.test';
const NOW = new Date('2026-03-01T00:00:00Z');

/** The server as the browser sees it: opaque entries by fingerprint, in memory. */
function fakeServer(initial: CertbookListing['entries'] = []) {
  const entries = new Map(initial.map((e) => [e.fingerprint, e.entry]));
  const calls = { list: 0, put: 0, directory: 0 };
  const state = { down: false, directoryDown: false, directory: new Map<string, DirectoryCertificateBytes>() };
  const unreachable = () => new ApiRequestError('imap-unavailable', 'The mail server cannot be reached. Try again later.', 503);
  const api: CertbookApi = {
    async certbook() {
      calls.list++;
      if (state.down) throw unreachable();
      return { entries: [...entries].map(([fingerprint, entry]) => ({ fingerprint, entry })), skipped: 0 };
    },
    async putCertbookEntry(fingerprint, entry) {
      calls.put++;
      if (state.down) throw unreachable();
      const replaced = entries.has(fingerprint) ? 1 : 0;
      entries.set(fingerprint, entry);
      return { replaced };
    },
    async deleteCertbookEntry(fingerprint) {
      if (state.down) throw unreachable();
      return { deleted: entries.delete(fingerprint) ? 1 : 0 };
    },
    async directoryCertificates(emails) {
      calls.directory++;
      if (state.directoryDown) throw new ApiRequestError('directory-unavailable', 'The address directory cannot be reached.', 503);
      return emails.map((email) => state.directory.get(email) ?? { email, certificates: [], smimeBundles: [] });
    },
  };
  return { api, entries, calls, state };
}

async function signedBy(certificate: pkijs.Certificate, over: Partial<SignatureReport> = {}): Promise<ReadResult> {
  const signature: SignatureReport = {
    signerEmail: BOB,
    intact: true,
    chain: 'trusted',
    fromMatchesSigner: true,
    signingTime: null,
    algorithm: 'ecdsa-p256-sha256',
    weakAlgorithm: false,
    reasons: [],
    certificate: await summarizeCertificate(certificate),
    chainCertificates: [],
    revocation: { status: 'good' },
    capabilities: ['2.16.840.1.101.3.4.1.46'],
    encryptionCertificate: null,
    ...over,
  };
  return {
    report: { encrypted: false, contentCipher: null, keyTransport: null, weakCipher: false, encryptionIntegrity: null, signed: true, partial: false, signatures: [signature], layers: [], text: '', attachments: [], errors: [] },
    plaintext: new Uint8Array(0),
    certificates: [certificate],
  };
}

async function storedEntry(der: Uint8Array) {
  const record = importedRecord((await planImport(der, [])).add[0]!, NOW);
  return { fingerprint: record.entry.fingerprint, entry: encodeEntry(record.entry) };
}

describe('certbook store: loading', () => {
  it('reads the book and skips entries the server mangled, with a count', async () => {
    const bob = await contactCertificate({ emails: [BOB], issuer: 'Issuing CA' });
    const good = await storedEntry(bob.der);
    const server = fakeServer([good, { fingerprint: 'f'.repeat(64), entry: good.entry }]);
    const store = createCertbookStore({ api: server.api, now: () => NOW });
    await store.getState().load();
    expect(store.getState()).toMatchObject({ status: 'ready', skipped: 1, skippedReasons: ['The fingerprint does not match the certificate.'] });
    expect(store.getState().records.map((r) => r.entry.addresses)).toEqual([[BOB]]);
    expect(store.getState().knownCertificates()).toHaveLength(1);
  });

  it('says so when the book cannot be loaded', async () => {
    const server = fakeServer();
    server.state.down = true;
    const store = createCertbookStore({ api: server.api });
    await store.getState().load();
    expect(store.getState()).toMatchObject({ status: 'error', error: 'The mail server cannot be reached. Try again later.' });
  });
});

describe('certbook store: harvest', () => {
  it('stores a verified signer once, warns of a key change, and writes nothing for an unverified message', async () => {
    const server = fakeServer([await storedEntry((await contactCertificate({ emails: [BOB], issuer: 'Issuing CA' })).der)]);
    const store = createCertbookStore({ api: server.api, now: () => NOW });
    const other = await contactCertificate({ emails: [BOB], issuer: 'Other CA' });

    expect(await store.getState().harvest(await signedBy(other.certificate, { chain: 'untrusted-root' }), BOB)).toEqual({ added: 0, keyChangeWarnings: [] });
    expect(server.calls.put).toBe(0);

    const outcome = await store.getState().harvest(await signedBy(other.certificate), BOB);
    expect(outcome.added).toBe(1);
    expect(outcome.keyChangeWarnings.map((w) => w.address)).toEqual([BOB]);
    const saved = await decodeEntry(server.entries.get((await storedEntry(other.der)).fingerprint)!);
    expect(saved.entry).toMatchObject({ origin: 'harvested', capabilities: ['2.16.840.1.101.3.4.1.46'], keyChange: { message: outcome.keyChangeWarnings[0]!.message } });

    // The same message read again changes nothing worth a write.
    expect(await store.getState().harvest(await signedBy(other.certificate), BOB)).toEqual({ added: 0, keyChangeWarnings: [] });
    expect(server.calls.put).toBe(1);
  });

  it('clears a key-change flag the user accepts, on the server too, and ranks the certificate like any other', async () => {
    const server = fakeServer([await storedEntry((await contactCertificate({ emails: [BOB], issuer: 'Issuing CA' })).der)]);
    const store = createCertbookStore({ api: server.api, now: () => NOW });
    const other = await contactCertificate({ emails: [BOB], issuer: 'Other CA', notBefore: '2026-01-01T00:00:00Z' });
    await store.getState().harvest(await signedBy(other.certificate), BOB);
    const fingerprint = (await storedEntry(other.der)).fingerprint;
    // Flagged: offered last.
    expect((await store.getState().recipientCertificates(BOB)).map((r) => r.origin)).toEqual(['imported', 'harvested']);

    server.state.down = true;
    await expect(store.getState().acceptKeyChange(fingerprint)).rejects.toMatchObject({ code: 'imap-unavailable' });
    expect(store.getState().records.find((r) => r.entry.fingerprint === fingerprint)!.entry.keyChange).not.toBeNull();

    server.state.down = false;
    await store.getState().acceptKeyChange(fingerprint);
    expect(store.getState().records.find((r) => r.entry.fingerprint === fingerprint)!.entry.keyChange).toBeNull();
    expect((await decodeEntry(server.entries.get(fingerprint)!)).entry.keyChange).toBeNull();
    // The contact asked to be encrypted to it and it is no longer flagged: it comes first now (newest).
    expect((await store.getState().recipientCertificates(BOB)).map((r) => r.origin)).toEqual(['harvested', 'imported']);
  });

  it('keeps the warning but reports the failure when the certificate cannot be stored', async () => {
    const server = fakeServer([await storedEntry((await contactCertificate({ emails: [BOB], issuer: 'Issuing CA' })).der)]);
    const store = createCertbookStore({ api: server.api, now: () => NOW });
    await store.getState().load();
    server.state.down = true;
    const outcome = await store.getState().harvest(await signedBy((await contactCertificate({ emails: [BOB], issuer: 'Other CA' })).certificate), BOB);
    expect(outcome.added).toBe(0);
    expect(outcome.keyChangeWarnings).toHaveLength(1);
    expect(store.getState().error).toBe('The mail server cannot be reached. Try again later.');
    expect(store.getState().records).toHaveLength(1);
  });

  it('runs harvests one after the other, so two reads of one new signer store it once', async () => {
    const server = fakeServer();
    const store = createCertbookStore({ api: server.api, now: () => NOW });
    const bob = await contactCertificate({ emails: [BOB], issuer: 'Issuing CA' });
    const read = await signedBy(bob.certificate);
    const outcomes = await Promise.all([store.getState().harvest(read, BOB), store.getState().harvest(read, BOB)]);
    expect(outcomes.map((o) => o.added)).toEqual([1, 0]);
    expect(server.calls.put).toBe(1);
  });
});

describe('certbook store: recipients and import', () => {
  it("gives the book's certificates first, then the directory's (asked once per address)", async () => {
    const held = await contactCertificate({ emails: [BOB], issuer: 'Issuing CA' });
    const listed = await contactCertificate({ emails: [BOB], issuer: 'Issuing CA' });
    const server = fakeServer([await storedEntry(held.der)]);
    server.state.directory.set(BOB, { email: BOB, certificates: [listed.der, held.der], smimeBundles: [] });
    const store = createCertbookStore({ api: server.api, now: () => NOW });
    const found = await store.getState().recipientCertificates(BOB);
    expect(found.map((f) => [f.origin, f.certificate.serialNumber.valueBlock.valueDec])).toEqual([
      ['imported', held.certificate.serialNumber.valueBlock.valueDec],
      ['directory', listed.certificate.serialNumber.valueBlock.valueDec],
    ]);
    await store.getState().recipientCertificates('Bob@sealpost.test');
    expect(server.calls.directory).toBe(1);
    expect(await store.getState().recipientCertificates('carol@sealpost.test')).toEqual([]);
  });

  it('answers the book alone when the directory is down, and the failure when nothing was found', async () => {
    const server = fakeServer([await storedEntry((await contactCertificate({ emails: [BOB], issuer: 'Issuing CA' })).der)]);
    server.state.directoryDown = true;
    const store = createCertbookStore({ api: server.api });
    expect(await store.getState().recipientCertificates(BOB)).toHaveLength(1);
    await expect(store.getState().recipientCertificates('carol@sealpost.test')).rejects.toMatchObject({ code: 'directory-unavailable' });
    server.state.directoryDown = false;
    expect(await store.getState().recipientCertificates('carol@sealpost.test')).toEqual([]);
  });

  it('imports what the plan adds, and deletes', async () => {
    const server = fakeServer();
    const store = createCertbookStore({ api: server.api, now: () => NOW });
    const bob = await contactCertificate({ emails: [BOB], issuer: 'Issuing CA' });
    const plan = await store.getState().planImport(bob.der);
    expect(await store.getState().addImported(plan.add)).toBe(1);
    expect((await store.getState().planImport(bob.der)).add).toEqual([]);
    expect((await store.getState().recipientCertificates(BOB)).map((r) => r.origin)).toEqual(['imported']);
    await store.getState().remove(plan.add[0]!.fingerprint);
    expect(store.getState().records).toEqual([]);
    expect(server.entries.size).toBe(0);
  });
});
