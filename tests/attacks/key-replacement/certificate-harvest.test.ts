// Key replacement, "Mailto: Me Your Secrets" (Müller et al. 2020), row E9 of notes/smime-stack.md
// section 4: certificates carried in someone else's signed mail, or in a certs-only bundle, must
// not replace a contact's encryption certificate. Asserted with real messages read by lib/smime
// and lib/certbook's harvest plan: Eve's validly signed mail carrying a certificate for alice@
// (in its certificates and named in EncryptionKeyPreference, RFC 8551 section 2.5.3) changes
// nothing for Alice; a certs-only .p7c with a new certificate for alice@ is harvested from no
// message (only an explicit import takes it); Alice's own validly signed mail with a new key from
// another issuer, while the old certificate is valid, is taken but raises the key-change warning.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { CertbookRecord } from '@/lib/certbook/certbook-entry';
import { planHarvest } from '@/lib/certbook/harvest-plan';
import { importedRecord, planImport } from '@/lib/certbook/import-plan';
import { type ReadResult, type TrustSettings, readMessage } from '@/lib/smime';
import { base64Body } from '@/lib/smime/mime/build-mime';
import { certsOnly } from '@/lib/smime/certs/test-certificate-factory';

import { message, multipart, signedEntity, text, textEntity } from '../support/mime-messages';
import { type AttackPki, certificateOf, createAttackPki, identityOf, trustOf } from '../support/mime-pki';
import type { IssuedCert } from '../../support/test-pki';

const HEADERS = (from: string) => [`From: ${from}`, 'To: bob@example.org', 'Subject: My new certificate', 'MIME-Version: 1.0'];
const ALICE = 'alice@example.org';

let pki: AttackPki;
let trust: TrustSettings;
/** A second certificate for alice@ that Eve holds the key of (Eve's own CA-issued one would do too). */
let aliceByEve: IssuedCert;
/** Alice's genuine new certificate, from another issuer. */
let aliceNew: IssuedCert;
let book: CertbookRecord[];

const der = (cert: IssuedCert) => new Uint8Array(cert.certDer);

async function record(cert: IssuedCert): Promise<CertbookRecord> {
  const plan = await planImport(der(cert), []);
  return importedRecord(plan.add[0]!, new Date(Date.now() - 30 * 86_400_000));
}

beforeAll(async () => {
  pki = createAttackPki();
  trust = trustOf(pki);
  aliceByEve = pki.issue({ name: 'alice-by-eve', email: ALICE });
  aliceNew = pki.issue({ name: 'alice-new', email: ALICE, issuer: pki.otherCa });
  book = [await record(pki.alice)];
});
afterAll(() => pki?.cleanup());

const read = async (raw: Uint8Array): Promise<ReadResult> => readMessage(raw, { identities: [], trust });
const touchesAlice = (writes: CertbookRecord[]) => writes.filter((w) => w.entry.addresses.includes(ALICE));

describe('E9: Eve’s signed mail carrying a certificate for alice@', () => {
  it('in the certificates and in EncryptionKeyPreference, From: Eve: Alice’s entry is not changed', async () => {
    const signer = identityOf(pki.eve, [aliceByEve]);
    const raw = message(HEADERS('eve@evil.example'), await signedEntity(textEntity('Use this key for Alice.'), signer, { encryptionCertificate: certificateOf(aliceByEve) }));
    const result = await read(raw);
    // The attack is well formed: a good, trusted signature whose preference names the alice@ certificate.
    expect(result.report).toMatchObject({ signed: true, partial: false });
    expect(result.report.signatures[0]).toMatchObject({ intact: true, chain: 'trusted', fromMatchesSigner: true });
    expect(result.report.signatures[0]!.encryptionCertificate?.emails).toEqual([ALICE]);
    expect(result.certificates).toHaveLength(2);

    const plan = await planHarvest(result, 'eve@evil.example', book);
    expect(touchesAlice(plan.writes)).toEqual([]);
    expect(plan.warnings).toEqual([]);
    // Eve's own certificate is what is learnt from Eve's mail, nothing else.
    expect(plan.writes.map((w) => w.entry.addresses)).toEqual([['eve@evil.example']]);
  });

  it('the same mail under From: Alice: the signer does not match From, nothing is harvested', async () => {
    const signer = identityOf(pki.eve, [aliceByEve]);
    const raw = message(HEADERS(`Alice <${ALICE}>`), await signedEntity(textEntity('Use this key.'), signer, { encryptionCertificate: certificateOf(aliceByEve) }));
    const result = await read(raw);
    expect(result.report.signatures[0]).toMatchObject({ intact: true, fromMatchesSigner: false });
    expect((await planHarvest(result, ALICE, book)).writes).toEqual([]);
  });
});

describe('E9: certificates in a certs-only bundle need an explicit import', () => {
  it('a certs-only message (.p7c) from alice@ is read as certs-only and harvested from nothing', async () => {
    const bundle = certsOnly([certificateOf(aliceByEve)]);
    const entity = ['Content-Type: application/pkcs7-mime; smime-type=certs-only; name="smime.p7c"', 'Content-Transfer-Encoding: base64', '', text(base64Body(bundle))].join('\r\n');
    const result = await read(message(HEADERS(`Alice <${ALICE}>`), entity));
    expect(result.report).toMatchObject({ signed: false, partial: false, signatures: [] });
    expect(result.report.layers.map((l) => l.kind)).toEqual(['certs-only']);
    expect(result.certificates).toHaveLength(1);
    expect((await planHarvest(result, ALICE, book)).writes).toEqual([]);
    // Only the user's explicit import of the file takes it.
    const imported = await planImport(bundle, book);
    expect(imported.add.map((c) => c.summary.emails)).toEqual([[ALICE]]);
  });

  it('a .p7c attached to Alice’s own validly signed mail is not harvested either', async () => {
    const attachment = ['Content-Type: application/pkcs7-mime; smime-type=certs-only; name="new-key.p7c"', 'Content-Disposition: attachment; filename="new-key.p7c"', 'Content-Transfer-Encoding: base64', '', text(base64Body(certsOnly([certificateOf(aliceByEve)])))].join('\r\n');
    const content = multipart('mixed', [textEntity('My new key is attached.'), attachment]);
    const result = await read(message(HEADERS(`Alice <${ALICE}>`), await signedEntity(content, identityOf(pki.alice))));
    expect(result.report.signed).toBe(true);
    const plan = await planHarvest(result, ALICE, book);
    const fingerprints = plan.writes.map((w) => w.entry.fingerprint);
    expect(fingerprints).toEqual(fingerprints.filter((f) => f === book[0]!.entry.fingerprint));
    expect(plan.warnings).toEqual([]);
  });
});

describe('E9: a key change in Alice’s own validly signed mail', () => {
  it('a new key from another issuer while the old certificate is valid is taken with a key-change warning', async () => {
    const raw = message(HEADERS(`Alice <${ALICE}>`), await signedEntity(textEntity('New certificate.'), identityOf(aliceNew, [pki.otherCa])));
    const result = await read(raw);
    expect(result.report.signatures[0]).toMatchObject({ intact: true, chain: 'trusted', fromMatchesSigner: true });
    const plan = await planHarvest(result, ALICE, book);
    expect(touchesAlice(plan.writes)).toHaveLength(1);
    expect(plan.writes[0]!.entry.keyChange?.message).toMatch(/changed unexpectedly/);
    expect(plan.warnings).toEqual([expect.objectContaining({ address: ALICE, message: expect.stringMatching(/another key and was issued by other-ca/) })]);
  });

  it('control: a routine renewal from the same issuer is taken without a warning', async () => {
    const renewed = pki.issue({ name: 'alice-renewed', email: ALICE });
    const result = await read(message(HEADERS(`Alice <${ALICE}>`), await signedEntity(textEntity('Renewed.'), identityOf(renewed))));
    const plan = await planHarvest(result, ALICE, book);
    expect(touchesAlice(plan.writes)).toHaveLength(1);
    expect(plan.warnings).toEqual([]);
    expect(plan.writes[0]!.entry.certificate).toEqual(der(renewed));
  });
});
