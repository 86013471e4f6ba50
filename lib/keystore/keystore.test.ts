import 'fake-indexeddb/auto';
import { IDBFactory } from 'fake-indexeddb';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';

import { encryptMessage, readMessage, readPkcs12, signMessage, softKeyFromPkcs8 } from '@/lib/smime';

import { KeystoreError, KeystoreLockedError } from './errors';
import { keystoreDatabaseName } from './idb';
import { type Keystore, openKeystore } from './keystore';
import { readPkcs12InWorker } from './pkcs12-jobs';
import { type TestIdentity, makeTestIdentity, testPkcs12 } from './test-identities';

const ALICE = 'alice@example.com';
const TRUST = { anchors: [], revocation: 'off' as const };
const MESSAGE = new TextEncoder().encode(
  ['From: Alice <alice@example.com>', 'To: Alice <alice@example.com>', 'Subject: test', 'MIME-Version: 1.0', 'Content-Type: text/plain; charset=utf-8', '', 'Secret words', ''].join('\r\n'),
);
const PASSPHRASE = 'correct horse battery';

let rsa: TestIdentity;
let ec: TestIdentity;
let rsaFile: Uint8Array;
beforeAll(async () => {
  rsa = await makeTestIdentity(ALICE, { serial: 1, commonName: 'Alice RSA' });
  ec = await makeTestIdentity(ALICE, { key: 'ec', serial: 2, commonName: 'Alice EC' });
  rsaFile = await testPkcs12([rsa], 'file-pw');
}, 120_000);

const opened: Keystore[] = [];
afterEach(() => {
  opened.splice(0).forEach((k) => k.close());
  vi.restoreAllMocks();
});

async function keystoreWith(identities: TestIdentity[], factory = new IDBFactory(), address = ALICE) {
  const keystore = await openKeystore(address, { indexedDB: factory, passphraseIterations: 1000, exportIterations: 1000 });
  opened.push(keystore);
  if (identities.length) await keystore.save(await readPkcs12InWorker(await testPkcs12(identities, 'pw'), 'pw'));
  return { keystore, factory };
}

/** The raw records as IndexedDB holds them (what a script of this origin, or the profile on disk, sees). */
function rawRecords(factory: IDBFactory, address = ALICE): Promise<Record<string, unknown>[]> {
  return new Promise((resolve, reject) => {
    const request = factory.open(keystoreDatabaseName(address));
    request.onsuccess = () => {
      const get = request.result.transaction('identities').objectStore('identities').getAll();
      get.onsuccess = () => {
        request.result.close();
        resolve(get.result as Record<string, unknown>[]);
      };
      get.onerror = () => reject(get.error);
    };
  });
}

function putRaw(factory: IDBFactory, record: Record<string, unknown>, address = ALICE): Promise<void> {
  return new Promise((resolve, reject) => {
    const request = factory.open(keystoreDatabaseName(address));
    request.onsuccess = () => {
      const tx = request.result.transaction('identities', 'readwrite');
      tx.objectStore('identities').put(record);
      tx.oncomplete = () => {
        request.result.close();
        resolve();
      };
      tx.onerror = () => reject(tx.error);
    };
  });
}

const containsBytes = (haystack: Uint8Array, needle: Uint8Array) => Buffer.from(haystack).indexOf(Buffer.from(needle.subarray(0, 64))) >= 0;

/** Every Uint8Array inside a stored value. */
function byteArrays(value: unknown): Uint8Array[] {
  if (value instanceof Uint8Array) return [value];
  if (Array.isArray(value)) return value.flatMap(byteArrays);
  if (value && typeof value === 'object' && !(value instanceof CryptoKey)) return Object.values(value).flatMap(byteArrays);
  return [];
}

async function decryptedText(keystore: Keystore, raw: Uint8Array) {
  const result = await readMessage(raw, { identities: await keystore.identities(), trust: TRUST });
  return result.report;
}

describe('importing a PKCS#12 file', () => {
  it('previews what the file holds and saves its identity; a second save adds nothing', async () => {
    const read = await readPkcs12InWorker(rsaFile, 'file-pw');
    expect(read.via).toBe('in-thread'); // Node has no Worker; the browser's path is checked in e2e.
    expect(read.certificates).toHaveLength(1);
    expect(read.certificates[0]).toMatchObject({ subject: expect.stringContaining('Alice RSA'), emails: [ALICE], keyAlgorithm: 'rsa-2048', hasKey: true, isCa: false });
    expect(read.identities).toHaveLength(1);

    const { keystore } = await keystoreWith([]);
    const outcome = await keystore.save(read);
    expect(outcome.saved).toHaveLength(1);
    const [listed] = await keystore.list();
    expect(listed).toMatchObject({ addresses: [ALICE], keyAlgorithm: 'rsa-2048', subject: 'Alice RSA', key: { kind: 'rsa', modulusBits: 2048 } });
    expect(listed!.label).toBe('Key of 1');
    expect((await keystore.save(read)).alreadyStored).toBe(1);
    expect(await keystore.list()).toHaveLength(1);
  });

  it('answers a wrong password with a typed error and a plain message', async () => {
    const error = await readPkcs12InWorker(rsaFile, 'nope').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(KeystoreError);
    expect(error).toMatchObject({ code: 'wrong-password', message: 'The password is not right for this file.' });
  });

  it('answers a file that is not PKCS#12 with a typed error', async () => {
    await expect(readPkcs12InWorker(new Uint8Array([0x30, 0x03, 0x02, 0x01, 0x03]), 'x')).rejects.toMatchObject({ code: 'unreadable-file' });
  });

  it('keeps each address in its own database', async () => {
    const factory = new IDBFactory();
    const { keystore: alice } = await keystoreWith([rsa], factory);
    const { keystore: bob } = await keystoreWith([], factory, 'bob@example.com');
    expect(await alice.list()).toHaveLength(1);
    expect(await bob.list()).toHaveLength(0);
  });

  it('stores no plain private key: PKCS#8 only sealed, plus non-extractable CryptoKeys', async () => {
    const { factory } = await keystoreWith([rsa]);
    const [record] = await rawRecords(factory);
    for (const bytes of byteArrays(record)) expect(containsBytes(bytes, rsa.pkcs8)).toBe(false);
    const handles = record!.handles as Record<string, CryptoKey>;
    expect(Object.keys(handles).sort()).toEqual(['rsaOaepSha1', 'rsaOaepSha256', 'rsaPkcs1Sha256', 'rsaPssSha256']);
    for (const key of Object.values(handles)) expect(key.extractable).toBe(false);
  });
});

describe('private-key operations', () => {
  it('decrypts RSA PKCS#1 v1.5 through the wrapped PKCS#8 and OAEP through the CryptoKey', async () => {
    const { keystore } = await keystoreWith([rsa]);
    const decrypt = vi.spyOn(globalThis.crypto.subtle, 'decrypt');
    const unseals = () => decrypt.mock.calls.filter(([algorithm]) => (algorithm as AlgorithmIdentifier & { name: string }).name === 'AES-GCM' && (algorithm as AesGcmParams).additionalData).length;
    const oaepCalls = () => decrypt.mock.calls.filter(([algorithm]) => (algorithm as { name: string }).name === 'RSA-OAEP');

    const v15 = await encryptMessage(MESSAGE, [rsa.certificate], { rsaPadding: 'pkcs1v15', cipher: 'aes-128-cbc' });
    const before = unseals();
    const report15 = await decryptedText(keystore, v15);
    expect(report15).toMatchObject({ encrypted: true, keyTransport: 'rsa-pkcs1v15', text: expect.stringContaining('Secret words') });
    expect(unseals()).toBe(before + 1);

    for (const oaepHash of ['SHA-256', 'SHA-1'] as const) {
      const oaep = await encryptMessage(MESSAGE, [rsa.certificate], { rsaPadding: 'oaep', oaepHash });
      const unsealsBefore = unseals();
      const report = await decryptedText(keystore, oaep);
      expect(report).toMatchObject({ encrypted: true, keyTransport: 'rsa-oaep', text: expect.stringContaining('Secret words') });
      expect(unseals()).toBe(unsealsBefore);
      const [, key] = oaepCalls().at(-1)!;
      expect((key as CryptoKey).extractable).toBe(false);
      expect(((key as CryptoKey).algorithm as RsaHashedKeyAlgorithm).hash.name).toBe(oaepHash);
    }
  });

  it('signs with RSA (CryptoKey for SHA-256, wrapped key for SHA-384) and the signatures verify', async () => {
    const { keystore } = await keystoreWith([rsa]);
    const [identity] = await keystore.identities();
    for (const hash of ['SHA-256', 'SHA-384'] as const) {
      for (const rsaPss of [false, true]) {
        const signed = await signMessage(MESSAGE, identity!, { hash, rsaPss });
        const { report } = await readMessage(signed, { identities: [], trust: TRUST });
        expect(report.signed, `${hash} pss=${rsaPss}`).toBe(true);
        expect(report.signatures[0]).toMatchObject({ intact: true, signerEmail: ALICE });
      }
    }
  });

  it('signs ECDSA and decrypts ECDH with the CryptoKeys', async () => {
    const { keystore } = await keystoreWith([ec]);
    const [identity] = await keystore.identities();
    const signed = await signMessage(MESSAGE, identity!, { hash: 'SHA-384' });
    expect((await readMessage(signed, { identities: [], trust: TRUST })).report.signatures[0]).toMatchObject({ intact: true });
    const decrypt = vi.spyOn(globalThis.crypto.subtle, 'decrypt');
    const report = await decryptedText(keystore, await encryptMessage(MESSAGE, [ec.certificate]));
    expect(report).toMatchObject({ keyTransport: 'ecdh', text: expect.stringContaining('Secret words') });
    expect(decrypt.mock.calls.some(([a]) => (a as AesGcmParams).additionalData !== undefined)).toBe(false);
  });
});

describe('the passphrase lock', () => {
  it('seals every key under the passphrase, removes the stored CryptoKeys and locks on the next page', async () => {
    const { keystore, factory } = await keystoreWith([rsa, ec]);
    await keystore.setPassphrase(PASSPHRASE);
    expect(await keystore.status()).toEqual({ protection: 'passphrase', locked: false });
    for (const record of await rawRecords(factory)) expect(record.handles).toBeNull();
    // Still unlocked in this page: the CryptoKeys are made again in memory.
    expect((await decryptedText(keystore, await encryptMessage(MESSAGE, [rsa.certificate], { rsaPadding: 'oaep' }))).text).toContain('Secret words');

    const reopened = await openKeystore(ALICE, { indexedDB: factory });
    opened.push(reopened);
    expect(await reopened.status()).toEqual({ protection: 'passphrase', locked: true });
    await expect(reopened.identities()).rejects.toBeInstanceOf(KeystoreLockedError);
    await expect(reopened.signingIdentity(ALICE)).rejects.toBeInstanceOf(KeystoreLockedError);
    // Public data stays readable.
    expect(await reopened.list()).toHaveLength(2);
    expect(await reopened.encryptionCertificate(ALICE)).not.toBeNull();
    await expect(reopened.save(await readPkcs12InWorker(await testPkcs12([await makeTestIdentity(ALICE, { serial: 9 })], 'pw'), 'pw'))).rejects.toBeInstanceOf(KeystoreLockedError);
  });

  it('refuses a wrong passphrase without changing anything, and unlocks with the right one', async () => {
    const { keystore, factory } = await keystoreWith([rsa]);
    await keystore.setPassphrase(PASSPHRASE);
    keystore.lock();
    await expect(keystore.unlock('wrong passphrase')).rejects.toMatchObject({ code: 'wrong-passphrase' });
    expect((await keystore.status()).locked).toBe(true);
    await expect(keystore.changePassphrase('wrong passphrase', 'another passphrase')).rejects.toMatchObject({ code: 'wrong-passphrase' });
    await expect(keystore.removePassphrase('wrong passphrase')).rejects.toMatchObject({ code: 'wrong-passphrase' });
    await keystore.unlock(PASSPHRASE);
    expect((await keystore.status()).locked).toBe(false);
    const v15 = await encryptMessage(MESSAGE, [rsa.certificate]);
    expect((await decryptedText(keystore, v15)).text).toContain('Secret words');
    expect((await rawRecords(factory))[0]!.handles).toBeNull();
  });

  it('makes keys handed out before the lock unusable after it', async () => {
    const { keystore } = await keystoreWith([rsa]);
    await keystore.setPassphrase(PASSPHRASE);
    const [identity] = await keystore.identities();
    keystore.lock();
    await expect(identity!.key.sign!(new Uint8Array([1]), { scheme: 'rsa-pkcs1', hash: 'SHA-256' })).rejects.toBeInstanceOf(KeystoreLockedError);
    await expect(identity!.key.decryptKeyTransport!(new Uint8Array(256), { padding: 'pkcs1v15', keyLength: 16 })).rejects.toBeInstanceOf(KeystoreLockedError);
    await expect(keystore.exportPkcs12((await keystore.list())[0]!.id, 'pw')).rejects.toBeInstanceOf(KeystoreLockedError);
  });

  it('changes the passphrase (the old one no longer opens) and removes it (back to stored CryptoKeys)', async () => {
    const { keystore, factory } = await keystoreWith([rsa]);
    await keystore.setPassphrase(PASSPHRASE);
    await expect(keystore.setPassphrase('second passphrase')).rejects.toMatchObject({ code: 'invalid-argument' });
    await keystore.changePassphrase(PASSPHRASE, 'second passphrase');
    keystore.lock();
    await expect(keystore.unlock(PASSPHRASE)).rejects.toMatchObject({ code: 'wrong-passphrase' });
    await keystore.unlock('second passphrase');

    await keystore.removePassphrase('second passphrase');
    expect(await keystore.status()).toEqual({ protection: 'device', locked: false });
    const [record] = await rawRecords(factory);
    expect(Object.keys(record!.handles as object)).toHaveLength(4);
    const reopened = await openKeystore(ALICE, { indexedDB: factory });
    opened.push(reopened);
    expect((await decryptedText(reopened, await encryptMessage(MESSAGE, [rsa.certificate]))).text).toContain('Secret words');
  });

  it('refuses a passphrase shorter than 8 characters', async () => {
    const { keystore } = await keystoreWith([]);
    await expect(keystore.setPassphrase('short')).rejects.toMatchObject({ code: 'invalid-argument' });
    expect((await keystore.status()).protection).toBe('device');
  });

  it('derives the passphrase key with 600,000 PBKDF2 iterations by default', async () => {
    const factory = new IDBFactory();
    const keystore = await openKeystore(ALICE, { indexedDB: factory });
    opened.push(keystore);
    const derive = vi.spyOn(globalThis.crypto.subtle, 'deriveKey');
    await keystore.setPassphrase(PASSPHRASE);
    expect(derive.mock.calls[0]![0]).toMatchObject({ name: 'PBKDF2', hash: 'SHA-256', iterations: 600_000 });
    expect((derive.mock.calls[0]![0] as Pbkdf2Params).salt).toHaveLength(16);
  });
});

describe('managing identities', () => {
  it('renames and deletes; a deleted identity\'s key stops working', async () => {
    const { keystore } = await keystoreWith([rsa]);
    const [listed] = await keystore.list();
    await keystore.rename(listed!.id, '  Work key \n');
    expect((await keystore.list())[0]!.label).toBe('Work key');
    await expect(keystore.rename(listed!.id, '   ')).rejects.toMatchObject({ code: 'invalid-argument' });
    const [identity] = await keystore.identities();
    await keystore.remove(listed!.id);
    expect(await keystore.list()).toEqual([]);
    await expect(identity!.key.decryptKeyTransport!(new Uint8Array(256), { padding: 'pkcs1v15', keyLength: 16 })).rejects.toMatchObject({ code: 'not-found' });
  });

  it('exports a PKCS#12 file that reads back with the same key and certificate', async () => {
    const { keystore } = await keystoreWith([rsa]);
    const [listed] = await keystore.list();
    await expect(keystore.exportPkcs12(listed!.id, '')).rejects.toMatchObject({ code: 'invalid-argument' });
    const file = await keystore.exportPkcs12(listed!.id, 'export-pw');
    await expect(readPkcs12(file, 'wrong')).rejects.toMatchObject({ code: 'wrong-password' });
    const contents = await readPkcs12(file, 'export-pw');
    expect(contents.keys).toHaveLength(1);
    expect(contents.keys[0]!.friendlyName).toBe(listed!.label);
    expect(new Uint8Array(contents.keys[0]!.certificate!.toSchema().toBER(false))).toEqual(rsa.der);
    const signature = await softKeyFromPkcs8(contents.keys[0]!.pkcs8).sign!(new Uint8Array([1, 2]), { scheme: 'rsa-pkcs1', hash: 'SHA-256' });
    expect(await globalThis.crypto.subtle.verify('RSASSA-PKCS1-v1_5', rsa.publicKey, signature as Uint8Array<ArrayBuffer>, new Uint8Array([1, 2]))).toBe(true);
  });

  it('gives a typed error when a stored wrapped key is damaged', async () => {
    const { keystore, factory } = await keystoreWith([rsa]);
    const [record] = await rawRecords(factory);
    const wrapped = record!.wrappedKey as { iv: Uint8Array; ciphertext: Uint8Array };
    wrapped.ciphertext[10]! ^= 0xff;
    await putRaw(factory, record!);
    // readMessage turns every key failure into "cannot decrypt" in its report...
    const report = await decryptedText(keystore, await encryptMessage(MESSAGE, [rsa.certificate]));
    expect(report).toMatchObject({ text: '', errors: [{ code: 'decryption-failed' }] });
    // ...the key itself throws the typed error.
    const [identity] = await keystore.identities();
    await expect(identity!.key.decryptKeyTransport!(new Uint8Array(256), { padding: 'pkcs1v15', keyLength: 16 })).rejects.toMatchObject({ code: 'corrupt-key' });
    await expect(keystore.exportPkcs12(record!.id as string, 'pw')).rejects.toMatchObject({ code: 'corrupt-key' });
  });
});

describe('choices per sending address', () => {
  it('defaults to the newest valid identity naming the address; the user may choose another', async () => {
    const older = await makeTestIdentity(ALICE, { serial: 3, notBefore: new Date(Date.now() - 300 * 86_400_000) });
    const expired = await makeTestIdentity(ALICE, { serial: 4, notBefore: new Date(Date.now() - 10 * 86_400_000), notAfter: new Date(Date.now() - 86_400_000) });
    const other = await makeTestIdentity('other@example.com', { serial: 5 });
    const { keystore } = await keystoreWith([older, rsa, expired, other]);
    const id = async (identity: TestIdentity) => (await keystore.list()).find((i) => i.certificateDer.length === identity.der.length && i.certificateDer.every((b, n) => b === identity.der[n]))!.id;

    expect((await keystore.chosen(ALICE, 'signing'))!.id).toBe(await id(rsa));
    expect((await keystore.chosen('ALICE@EXAMPLE.COM', 'encryption'))!.id).toBe(await id(rsa));
    expect(await keystore.chosen('nobody@example.com', 'signing')).toBeNull();

    await keystore.setPreference(ALICE, { signingId: await id(older) });
    expect((await keystore.chosen(ALICE, 'signing'))!.id).toBe(await id(older));
    expect((await keystore.chosen(ALICE, 'encryption'))!.id).toBe(await id(rsa));
    const signer = await keystore.signingIdentity(ALICE);
    expect(signer!.certificate.serialNumber.valueBlock.valueDec).toBe(3);
    // Another address's certificate cannot be chosen for this one.
    await keystore.setPreference(ALICE, { encryptionId: await id(other) });
    expect((await keystore.chosen(ALICE, 'encryption'))!.id).toBe(await id(rsa));

    await keystore.remove(await id(older));
    expect((await keystore.preferences())[0]).toMatchObject({ signingId: null });
    expect((await keystore.chosen(ALICE, 'signing'))!.id).toBe(await id(rsa));
  });
});
