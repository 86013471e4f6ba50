import { describe, expect, it } from 'vitest';

import { bytesToBase64 } from '../bytes';

import { CERTBOOK_LIMITS, type CertbookEntry, decodeBook, decodeEntry, encodeEntry } from './certbook-entry';
import { fingerprintOf } from './certificate-facts';
import { contactCertificate } from './test-certificates';

async function entryFor(emails = ['bob@sealpost.test']): Promise<CertbookEntry> {
  const { der } = await contactCertificate({ emails, issuer: 'Issuing CA' });
  return {
    fingerprint: await fingerprintOf(der),
    certificate: der,
    addresses: emails,
    origin: 'harvested',
    capabilities: ['2.16.840.1.101.3.4.1.46', '2.16.840.1.101.3.4.1.42'],
    firstSeen: '2026-01-01T00:00:00.000Z',
    lastSeen: '2026-02-01T00:00:00.000Z',
    signingTime: '2026-01-31T12:00:00.000Z',
    isEncryptionCertificate: true,
    keyChange: { detectedAt: '2026-01-01T00:00:00.000Z', message: 'changed' },
  };
}

const tampered = (entry: CertbookEntry, change: Record<string, unknown>) => JSON.stringify({ ...JSON.parse(encodeEntry(entry)), ...change });

describe('encodeEntry / decodeEntry', () => {
  it('round-trips an entry and parses its certificate', async () => {
    const entry = await entryFor();
    const { entry: back, certificate } = await decodeEntry(encodeEntry(entry), entry.fingerprint);
    expect(back).toEqual(entry);
    expect(certificate.subject.typesAndValues[0]!.value.valueBlock.value).toBe('bob@sealpost.test');
  });

  it("takes the addresses from the certificate, not from what the server hands back", async () => {
    const entry = await entryFor(['bob@sealpost.test']);
    const { entry: back } = await decodeEntry(tampered(entry, { addresses: ['alice@sealpost.test'] }));
    expect(back.addresses).toEqual(['bob@sealpost.test']);
  });

  it('refuses a certificate whose fingerprint is not the stated one', async () => {
    const entry = await entryFor();
    const other = await entryFor();
    await expect(decodeEntry(tampered(entry, { certificate: bytesToBase64(other.certificate) }))).rejects.toThrow(/fingerprint/);
    await expect(decodeEntry(encodeEntry(entry), other.fingerprint)).rejects.toThrow(/fingerprint/);
  });

  it('refuses malformed entries with a reason', async () => {
    const entry = await entryFor();
    await expect(decodeEntry('not json')).rejects.toThrow('The entry is not JSON.');
    await expect(decodeEntry(tampered(entry, { v: 2 }))).rejects.toThrow(/format/);
    await expect(decodeEntry(tampered(entry, { certificate: 'AAAA' }))).rejects.toThrow(/DER|read/);
    await expect(decodeEntry(tampered(entry, { certificate: 'not base64!' }))).rejects.toThrow(/missing/);
    await expect(decodeEntry(tampered(entry, { origin: 'server' }))).rejects.toThrow(/origin/);
    await expect(decodeEntry(tampered(entry, { capabilities: ['1.2', 'rm -rf'] }))).rejects.toThrow(/OID/);
    await expect(decodeEntry(tampered(entry, { capabilities: Array(65).fill('1.2.3') }))).rejects.toThrow(/short list/);
    await expect(decodeEntry(tampered(entry, { lastSeen: 'yesterday' }))).rejects.toThrow(/lastSeen/);
  });

  it('refuses an entry over the size cap', async () => {
    const entry = await entryFor();
    const big = tampered(entry, { padding: 'x'.repeat(CERTBOOK_LIMITS.maxEntryBytes) });
    await expect(decodeEntry(big)).rejects.toThrow(/too large/);
  });
});

describe('decodeBook', () => {
  it('keeps the readable entries, counts the broken ones and reads each fingerprint once', async () => {
    const a = await entryFor(['a@sealpost.test']);
    const b = await entryFor(['b@sealpost.test']);
    const book = await decodeBook(
      [
        { fingerprint: a.fingerprint, entry: encodeEntry(a) },
        { fingerprint: b.fingerprint, entry: '{' },
        { fingerprint: 'zz', entry: encodeEntry(b) },
        { fingerprint: a.fingerprint, entry: encodeEntry(a) },
        { fingerprint: b.fingerprint, entry: encodeEntry(b) },
      ],
      2,
    );
    expect(book.records.map((r) => r.entry.addresses[0])).toEqual(['a@sealpost.test', 'b@sealpost.test']);
    expect(book.skipped).toBe(4);
    expect(book.reasons).toHaveLength(2);
  });
});
