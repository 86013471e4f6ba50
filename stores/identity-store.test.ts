import 'fake-indexeddb/auto';
import { IDBFactory } from 'fake-indexeddb';
import { beforeAll, describe, expect, it } from 'vitest';

import { KeystoreLockedError } from '@/lib/keystore/errors';
import { openKeystore } from '@/lib/keystore/keystore';
import { type TestIdentity, makeTestIdentity, testPkcs12 } from '@/lib/keystore/test-identities';

import { createIdentityStore } from './identity-store';

const EMAIL = 'alice@example.com';
let work: TestIdentity;
let home: TestIdentity;
let file: Uint8Array;

beforeAll(async () => {
  work = await makeTestIdentity(EMAIL, { serial: 1, commonName: 'Work', notBefore: new Date(Date.now() - 100 * 86_400_000) });
  home = await makeTestIdentity('alice@home.example', { key: 'ec', serial: 2, commonName: 'Home' });
  file = await testPkcs12([work, home], 'pw');
}, 30_000);

function makeStore(factory = new IDBFactory()) {
  const store = createIdentityStore({ email: EMAIL, openKeystore: (email) => openKeystore(email, { indexedDB: factory, passphraseIterations: 1000, exportIterations: 1000 }) });
  return { store, factory };
}

async function imported() {
  const made = makeStore();
  const read = await made.store.getState().readPkcs12(file, 'pw');
  await made.store.getState().saveImport(read);
  return made;
}

describe('identity store', () => {
  it('opens nothing until used, then lists the identities and a choice per sending address', async () => {
    const { store } = makeStore();
    expect(store.getState().status).toBe('idle');
    await store.getState().load();
    expect(store.getState()).toMatchObject({ status: 'ready', identities: [], locked: false, protection: 'device' });
    expect(store.getState().choices).toEqual([{ address: EMAIL, preference: { address: EMAIL, signingId: null, encryptionId: null }, signingId: null, encryptionId: null }]);

    const read = await store.getState().readPkcs12(file, 'pw');
    expect(read.certificates.map((c) => c.hasKey)).toEqual([true, true]);
    expect((await store.getState().saveImport(read)).saved).toHaveLength(2);
    const { identities, choices } = store.getState();
    expect(identities.map((i) => i.subject).sort()).toEqual(['Home', 'Work']);
    const workId = identities.find((i) => i.subject === 'Work')!.id;
    const homeId = identities.find((i) => i.subject === 'Home')!.id;
    expect(choices).toEqual([
      expect.objectContaining({ address: EMAIL, signingId: workId, encryptionId: workId }),
      expect.objectContaining({ address: 'alice@home.example', signingId: homeId, encryptionId: homeId }),
    ]);
  });

  it('is the IdentitySource: every identity for reading, the signer and own certificate per address', async () => {
    const { store } = await imported();
    expect(await store.getState().identitiesForReading()).toHaveLength(2);
    const signer = await store.getState().signingIdentity(EMAIL);
    expect(signer!.certificate.serialNumber.valueBlock.valueDec).toBe(1);
    expect(await signer!.key.sign!(new Uint8Array([1]), { scheme: 'rsa-pkcs1', hash: 'SHA-256' })).toHaveLength(256);
    expect((await store.getState().ownEncryptionCertificate('alice@home.example'))!.serialNumber.valueBlock.valueDec).toBe(2);
    expect(await store.getState().signingIdentity('nobody@example.com')).toBeNull();
  });

  it('renames, chooses per address and deletes', async () => {
    const { store } = await imported();
    const id = store.getState().identities.find((i) => i.subject === 'Work')!.id;
    await store.getState().rename(id, 'Office');
    expect(store.getState().identities.find((i) => i.id === id)!.label).toBe('Office');
    await store.getState().setPreference(EMAIL, { signingId: id });
    expect(store.getState().choices[0]!.preference.signingId).toBe(id);
    await store.getState().remove(id);
    expect(store.getState().identities.map((i) => i.subject)).toEqual(['Home']);
    expect(store.getState().choices.map((c) => c.address)).toEqual([EMAIL, 'alice@home.example']);
    expect(store.getState().choices[0]).toMatchObject({ signingId: null, preference: { signingId: null } });
  });

  it('locks: reading throws KeystoreLockedError; requestUnlock waits for the user to unlock or cancel', async () => {
    const { store, factory } = await imported();
    await store.getState().setPassphrase('a long passphrase');
    expect(store.getState()).toMatchObject({ protection: 'passphrase', locked: false });
    expect(await store.getState().requestUnlock()).toBe(true);
    await store.getState().lock();
    expect(store.getState().locked).toBe(true);
    await expect(store.getState().identitiesForReading()).rejects.toBeInstanceOf(KeystoreLockedError);
    await expect(store.getState().signingIdentity(EMAIL)).rejects.toBeInstanceOf(KeystoreLockedError);
    // Public data works while locked.
    expect(await store.getState().ownEncryptionCertificate(EMAIL)).not.toBeNull();

    const cancelled = store.getState().requestUnlock('to decrypt this message');
    await Promise.resolve();
    await new Promise((r) => setTimeout(r, 0));
    expect(store.getState().unlockRequest).toEqual({ reason: 'to decrypt this message' });
    store.getState().cancelUnlock();
    expect(await cancelled).toBe(false);
    expect(store.getState().unlockRequest).toBeNull();

    const unlocked = store.getState().requestUnlock();
    await new Promise((r) => setTimeout(r, 0));
    await expect(store.getState().unlock('not the passphrase')).rejects.toMatchObject({ code: 'wrong-passphrase' });
    expect(store.getState().unlockRequest).not.toBeNull();
    await store.getState().unlock('a long passphrase');
    expect(await unlocked).toBe(true);
    expect(store.getState()).toMatchObject({ locked: false, unlockRequest: null });
    expect(await store.getState().identitiesForReading()).toHaveLength(2);

    // A new page (a new store over the same database) starts locked.
    const next = createIdentityStore({ email: EMAIL, openKeystore: (email) => openKeystore(email, { indexedDB: factory }) });
    await next.getState().load();
    expect(next.getState()).toMatchObject({ locked: true, protection: 'passphrase' });
    expect(next.getState().identities).toHaveLength(2);
  });

  it('keeps the load error as text', async () => {
    const store = createIdentityStore({ email: EMAIL, openKeystore: () => Promise.reject(new Error('IndexedDB refused')) });
    await store.getState().load();
    expect(store.getState()).toMatchObject({ status: 'error', error: 'Your certificates could not be loaded.' });
  });
});
