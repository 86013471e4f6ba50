import * as pkijs from 'pkijs';
import { describe, expect, it } from 'vitest';

import { ImportFileError, MAX_IMPORT_FILE_BYTES, importedRecord, planImport } from './import-plan';
import { recordsForAddress } from './records-for-address';
import { contactCertificate } from './test-certificates';

const BOB = 'bob@sealpost.test';

/** A PKCS#7 certs-only bundle (.p7b). */
function bundle(certificates: pkijs.Certificate[]): Uint8Array {
  const signed = new pkijs.SignedData({ version: 1, encapContentInfo: new pkijs.EncapsulatedContentInfo({ eContentType: '1.2.840.113549.1.7.1' }), certificates, signerInfos: [] });
  return new Uint8Array(new pkijs.ContentInfo({ contentType: '1.2.840.113549.1.7.2', content: signed.toSchema(true) }).toSchema().toBER(false));
}

const pem = (der: Uint8Array) => `-----BEGIN CERTIFICATE-----\n${btoa(String.fromCharCode(...der)).match(/.{1,64}/g)!.join('\n')}\n-----END CERTIFICATE-----\n`;

describe('planImport', () => {
  it('reads a DER and a PEM certificate', async () => {
    const bob = await contactCertificate({ emails: [BOB], issuer: 'Issuing CA' });
    for (const bytes of [bob.der, new TextEncoder().encode(pem(bob.der))]) {
      const plan = await planImport(bytes, []);
      expect(plan.add.map((c) => [c.summary.emails, c.der])).toEqual([[[BOB], bob.der]]);
      expect(plan.skipped).toEqual([]);
    }
  });

  it("adds a bundle's contact certificates and leaves out CAs, certificates without an address and those held", async () => {
    const bob = await contactCertificate({ emails: [BOB], issuer: 'Issuing CA' });
    const carol = await contactCertificate({ emails: ['carol@sealpost.test'], issuer: 'Issuing CA' });
    const ca = await contactCertificate({ emails: [], issuer: 'Root CA', ca: true });
    const server = await contactCertificate({ emails: [], issuer: 'Issuing CA' });
    const held = importedRecord((await planImport(carol.der, [])).add[0]!);
    const plan = await planImport(bundle([bob.certificate, ca.certificate, server.certificate, carol.certificate, bob.certificate]), [held]);
    expect(plan.add.map((c) => c.summary.emails[0])).toEqual([BOB]);
    expect(plan.skipped.map((s) => s.reason)).toEqual([
      "It is a certificate authority's certificate, not a contact's (trusted roots are set elsewhere).",
      'It names no email address.',
      'It is already in your address book.',
      'It is already in your address book.',
    ]);
  });

  it('refuses files that are not certificates, and files over the cap', async () => {
    await expect(planImport(new TextEncoder().encode('hello'), [])).rejects.toBeInstanceOf(ImportFileError);
    await expect(planImport(new Uint8Array(MAX_IMPORT_FILE_BYTES + 1).fill(0x30), [])).rejects.toThrow(/larger than/);
  });

  it('makes an imported record; encryption depends on the key usage', async () => {
    const bob = await contactCertificate({ emails: [BOB], issuer: 'Issuing CA' });
    const record = importedRecord((await planImport(bob.der, [])).add[0]!, new Date('2026-03-01T00:00:00Z'));
    expect(record.entry).toMatchObject({ origin: 'imported', addresses: [BOB], capabilities: null, isEncryptionCertificate: true, firstSeen: '2026-03-01T00:00:00.000Z' });
  });
});

describe('recordsForAddress', () => {
  it("lists the address's certificates: encryption ones first, flagged ones last, newest first", async () => {
    const make = async (notBefore: string, emails = [BOB]) => importedRecord((await planImport((await contactCertificate({ emails, issuer: 'CA', notBefore })).der, [])).add[0]!);
    const older = await make('2025-01-01T00:00:00Z');
    const newer = await make('2025-06-01T00:00:00Z');
    const signingOnly = { ...(await make('2025-09-01T00:00:00Z')) };
    signingOnly.entry = { ...signingOnly.entry, isEncryptionCertificate: false };
    const flagged = { ...(await make('2025-12-01T00:00:00Z')) };
    flagged.entry = { ...flagged.entry, keyChange: { detectedAt: '2026-01-01T00:00:00.000Z', message: 'changed' } };
    const carol = await make('2025-01-01T00:00:00Z', ['carol@sealpost.test']);
    const found = recordsForAddress([flagged, older, carol, signingOnly, newer], 'BOB@sealpost.test');
    expect(found).toEqual([newer, older, signingOnly, flagged]);
  });
});
