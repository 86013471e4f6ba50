// The browser keystore: the user's identities (certificate, chain, private key) in IndexedDB, one
// database per signed-in address.
//
// How a private key rests:
// - Without a passphrase ("device" protection): non-extractable CryptoKeys for what WebCrypto can
//   do (key-handles.ts), and the PKCS#8 sealed with AES-GCM under a random non-extractable key
//   kept in the same database, for what it cannot.
// - With a passphrase: ONLY the PKCS#8 sealed under a key derived from the passphrase (PBKDF2-
//   SHA-256, 600,000 iterations, random salt). The stored CryptoKeys are deleted, not merely
//   gated: a CryptoKey in IndexedDB is usable by any script of this origin and readable from the
//   browser profile, so a check in our code would lock nothing. After unlocking, the CryptoKeys
//   are made again in memory (per page) and dropped on lock.
import * as pkijs from 'pkijs';

import { certificateEmails, type Identity } from '@/lib/smime';
import { keyAlgorithmName } from '@/lib/smime/certs/describe-certificate';
import type { Pkcs8Description } from '@/lib/smime/keys/soft-key';
import { toHex } from '@/lib/bytes';
import { digest, ownBuffer } from '@/lib/smime/web-crypto';

import { type AddressPreference, type IdentityPurpose, chosenFor, sameAddress } from './address-choices';
import { KeystoreError, KeystoreLockedError } from './errors';
import { STORES, getAll, getOne, keystoreDatabaseName, openDatabase, write } from './idb';
import { type KeyHandles, importKeyHandles } from './key-handles';
import { keystoreKey } from './keystore-key';
import type { Pkcs12FileContents } from './pkcs12-file';
import { writePkcs12InWorker } from './pkcs12-jobs';
import { PASSPHRASE_ITERATIONS, type Sealed, newDeviceKey, passphraseCheck, passphraseKey, passphraseMatches, randomBytes, seal, unseal, wipe } from './wrapping';

/** An identity as the UI lists it: public data only. */
export interface StoredIdentity {
  id: string;
  label: string;
  certificateDer: Uint8Array;
  chainDers: Uint8Array[];
  /** The addresses the certificate names. */
  addresses: string[];
  key: Pkcs8Description;
  createdAt: number;
  subject: string;
  issuer: string;
  notBefore: Date;
  notAfter: Date;
  /** e.g. "rsa-2048", "ec-p256". */
  keyAlgorithm: string;
}

export type Protection = 'device' | 'passphrase';

interface IdentityRecord {
  id: string;
  label: string;
  certificate: Uint8Array;
  chain: Uint8Array[];
  addresses: string[];
  key: Pkcs8Description;
  createdAt: number;
  /** AES-GCM under the device key or the passphrase key; context `pkcs8:<id>`. */
  wrappedKey: Sealed;
  /** Device protection only; null under a passphrase. */
  handles: KeyHandles | null;
}

type ProtectionRecord = { mode: 'device'; deviceKey: CryptoKey } | { mode: 'passphrase'; salt: Uint8Array; iterations: number; check: Sealed };

const PROTECTION = 'protection';
const MIN_PASSPHRASE = 8;
const MAX_LABEL = 200;

export interface KeystoreOptions {
  /** Defaults to globalThis.indexedDB. */
  indexedDB?: IDBFactory;
  /** PBKDF2 iterations for a new passphrase (tests lower it); unlocking uses the stored count. */
  passphraseIterations?: number;
  /** Iterations of exported PKCS#12 files; lib/smime's default (600,000) when absent. */
  exportIterations?: number;
}

export interface SaveOutcome {
  saved: StoredIdentity[];
  /** Certificates that were already in the keystore (left as they were). */
  alreadyStored: number;
}

/** Opens (and on first use creates) the keystore of `address`. */
export async function openKeystore(address: string, options: KeystoreOptions = {}): Promise<Keystore> {
  const db = await openDatabase(options.indexedDB ?? globalThis.indexedDB, keystoreDatabaseName(address));
  const keystore = new Keystore(db, address, options);
  await keystore.ensureProtection();
  return keystore;
}

const pkcs8Context = (id: string) => `pkcs8:${id}`;
const parseCertificate = (der: Uint8Array) => pkijs.Certificate.fromBER(ownBuffer(der));

export class Keystore {
  /** Passphrase protection, unlocked: the derived key and the CryptoKeys made so far. Null when locked (and always in device mode). */
  private session: { key: CryptoKey; handles: Map<string, KeyHandles> } | null = null;

  constructor(
    private readonly db: IDBDatabase,
    readonly address: string,
    private readonly options: KeystoreOptions,
  ) {}

  close(): void {
    this.lock();
    this.db.close();
  }

  /** @internal A new database gets a device key. */
  async ensureProtection(): Promise<void> {
    if (await this.protectionRecord()) return;
    const deviceKey = await newDeviceKey();
    // add() fails when another tab got there first; then its key stands.
    await write(this.db, [STORES.meta], (tx) => tx.objectStore(STORES.meta).add({ mode: 'device', deviceKey }, PROTECTION)).catch(() => undefined);
  }

  private async protectionRecord(): Promise<ProtectionRecord | undefined> {
    return getOne<ProtectionRecord>(this.db, STORES.meta, PROTECTION);
  }

  /** Read fresh each time: another tab may have set or removed the passphrase. */
  async status(): Promise<{ protection: Protection; locked: boolean }> {
    const record = await this.protectionRecord();
    const protection: Protection = record?.mode ?? 'device';
    return { protection, locked: protection === 'passphrase' && this.session === null };
  }

  /** The key that seals PKCS#8 now; throws KeystoreLockedError while locked. */
  private async wrappingKey(): Promise<CryptoKey> {
    const record = await this.protectionRecord();
    if (!record) throw new KeystoreError('unavailable', 'The key store has no wrapping key.');
    if (record.mode === 'device') return record.deviceKey;
    if (!this.session) throw new KeystoreLockedError();
    return this.session.key;
  }

  async list(): Promise<StoredIdentity[]> {
    const records = await getAll<IdentityRecord>(this.db, STORES.identities);
    return records.sort((a, b) => b.createdAt - a.createdAt).map(describe);
  }

  /** Every identity with its key, older ones too (for decrypting). Throws KeystoreLockedError while locked. */
  async identities(): Promise<Identity[]> {
    await this.assertUnlocked();
    const records = await getAll<IdentityRecord>(this.db, STORES.identities);
    return records.sort((a, b) => b.createdAt - a.createdAt).map((record) => this.identityOf(record));
  }

  async identity(id: string): Promise<Identity> {
    await this.assertUnlocked();
    return this.identityOf(await this.record(id));
  }

  private async assertUnlocked(): Promise<void> {
    if ((await this.status()).locked) throw new KeystoreLockedError();
  }

  private async record(id: string): Promise<IdentityRecord> {
    const record = await getOne<IdentityRecord>(this.db, STORES.identities, id);
    if (!record) throw new KeystoreError('not-found', 'That certificate is no longer in your key store.');
    return record;
  }

  /** The Identity's key reads the record per operation: a lock, a passphrase change or a delete takes effect at once. */
  private identityOf(record: IdentityRecord): Identity {
    const id = record.id;
    const loadPkcs8 = async () => unseal(await this.wrappingKey(), (await this.record(id)).wrappedKey, pkcs8Context(id));
    const handles = async (): Promise<KeyHandles> => {
      const protection = await this.protectionRecord();
      if (protection?.mode !== 'passphrase') return (await this.record(id)).handles ?? {};
      const session = this.session;
      if (!session) throw new KeystoreLockedError();
      let made = session.handles.get(id);
      if (!made) {
        const pkcs8 = await loadPkcs8();
        try {
          made = await importKeyHandles(pkcs8, record.key);
        } finally {
          wipe(pkcs8);
        }
        session.handles.set(id, made);
      }
      return made;
    };
    return {
      certificate: parseCertificate(record.certificate),
      chain: record.chain.map((der) => parseCertificate(der)),
      key: keystoreKey({ description: record.key, handles, loadPkcs8 }),
    };
  }

  /**
   * Stores the file's identities (from readPkcs12InWorker). Certificates already stored are left
   * as they are. Throws KeystoreLockedError while locked: new keys are sealed under the passphrase.
   */
  async save(contents: Pkcs12FileContents, labels: Record<string, string> = {}): Promise<SaveOutcome> {
    if (contents.identities.length === 0) throw new KeystoreError('no-identity', 'This file holds no private key with its certificate, so there is nothing to save.');
    const wrappingKey = await this.wrappingKey();
    const device = (await this.protectionRecord())?.mode === 'device';
    const existing = new Set((await getAll<IdentityRecord>(this.db, STORES.identities)).map((r) => r.id));
    const records: IdentityRecord[] = [];
    let alreadyStored = 0;
    const now = Date.now();
    for (const [index, identity] of contents.identities.entries()) {
      const id = await identityId(identity.certificateDer);
      if (existing.has(id) || records.some((r) => r.id === id)) {
        alreadyStored++;
        continue;
      }
      const certificate = parseCertificate(identity.certificateDer);
      const label = cleanLabel(labels[id] ?? identity.friendlyName ?? defaultLabel(certificate));
      records.push({
        id,
        label,
        certificate: identity.certificateDer,
        chain: identity.chainDers,
        addresses: certificateEmails(certificate),
        key: identity.description,
        // Keeps the file's order among keys saved together.
        createdAt: now - index,
        wrappedKey: await seal(wrappingKey, identity.pkcs8, pkcs8Context(id)),
        handles: device ? await importKeyHandles(identity.pkcs8, identity.description) : null,
      });
    }
    await write(this.db, [STORES.identities], (tx) => records.forEach((record) => tx.objectStore(STORES.identities).add(record)));
    return { saved: records.map(describe), alreadyStored };
  }

  async rename(id: string, label: string): Promise<void> {
    const record = await this.record(id);
    const renamed = { ...record, label: cleanLabel(label) };
    await write(this.db, [STORES.identities], (tx) => tx.objectStore(STORES.identities).put(renamed));
  }

  /** Deletes the identity and any address choice naming it. */
  async remove(id: string): Promise<void> {
    const preferences = await getAll<AddressPreference>(this.db, STORES.preferences);
    this.session?.handles.delete(id);
    await write(this.db, [STORES.identities, STORES.preferences], (tx) => {
      tx.objectStore(STORES.identities).delete(id);
      for (const preference of preferences) {
        if (preference.signingId !== id && preference.encryptionId !== id) continue;
        tx.objectStore(STORES.preferences).put({
          ...preference,
          signingId: preference.signingId === id ? null : preference.signingId,
          encryptionId: preference.encryptionId === id ? null : preference.encryptionId,
        });
      }
    });
  }

  /** A PKCS#12 file of the identity (key, certificate, chain) under `password`, written in a worker. */
  async exportPkcs12(id: string, password: string): Promise<Uint8Array> {
    if (password.length === 0) throw new KeystoreError('invalid-argument', 'Choose a password to protect the exported file.');
    const record = await this.record(id);
    const pkcs8 = await unseal(await this.wrappingKey(), record.wrappedKey, pkcs8Context(id));
    try {
      return await writePkcs12InWorker([{ pkcs8, certificateDer: record.certificate, chainDers: record.chain, friendlyName: record.label }], password, this.options.exportIterations);
    } finally {
      wipe(pkcs8);
    }
  }

  // ---- The passphrase lock -------------------------------------------------------------------

  /** Sets the first passphrase: every key is sealed under it and the stored CryptoKeys go. Stays unlocked. */
  async setPassphrase(passphrase: string): Promise<void> {
    checkPassphrase(passphrase);
    const protection = await this.protectionRecord();
    if (protection?.mode !== 'device') throw new KeystoreError('invalid-argument', 'A passphrase is already set; change it instead.');
    const next = await this.newPassphraseProtection(passphrase);
    await this.reseal(protection.deviceKey, next.key, next.record, false);
    this.session = { key: next.key, handles: new Map() };
  }

  async changePassphrase(current: string, passphrase: string): Promise<void> {
    checkPassphrase(passphrase);
    const currentKey = await this.checkedPassphraseKey(current);
    const next = await this.newPassphraseProtection(passphrase);
    await this.reseal(currentKey, next.key, next.record, false);
    this.session = { key: next.key, handles: new Map() };
  }

  /** Back to device protection: keys sealed under a new device key, CryptoKeys stored again. */
  async removePassphrase(current: string): Promise<void> {
    const currentKey = await this.checkedPassphraseKey(current);
    const deviceKey = await newDeviceKey();
    await this.reseal(currentKey, deviceKey, { mode: 'device', deviceKey }, true);
    this.session = null;
  }

  async unlock(passphrase: string): Promise<void> {
    const key = await this.checkedPassphraseKey(passphrase);
    this.session = { key, handles: new Map() };
  }

  /** Forgets the passphrase key and the CryptoKeys made from it (nothing to do in device mode). */
  lock(): void {
    this.session = null;
  }

  private async newPassphraseProtection(passphrase: string): Promise<{ key: CryptoKey; record: ProtectionRecord }> {
    const salt = randomBytes(16);
    const iterations = this.options.passphraseIterations ?? PASSPHRASE_ITERATIONS;
    const key = await passphraseKey(passphrase, salt, iterations);
    return { key, record: { mode: 'passphrase', salt, iterations, check: await passphraseCheck(key) } };
  }

  /** The key of the passphrase set now, if `passphrase` is it; else 'wrong-passphrase' and nothing changes. */
  private async checkedPassphraseKey(passphrase: string): Promise<CryptoKey> {
    const protection = await this.protectionRecord();
    if (protection?.mode !== 'passphrase') throw new KeystoreError('invalid-argument', 'No keystore passphrase is set.');
    const key = await passphraseKey(passphrase, protection.salt, protection.iterations);
    if (!(await passphraseMatches(key, protection.check))) throw new KeystoreError('wrong-passphrase', 'That is not your keystore passphrase.');
    return key;
  }

  /** Every key unsealed with `from` and sealed with `to`, then all written with the new protection in one transaction. */
  private async reseal(from: CryptoKey, to: CryptoKey, protection: ProtectionRecord, storeHandles: boolean): Promise<void> {
    const records = await getAll<IdentityRecord>(this.db, STORES.identities);
    const resealed: IdentityRecord[] = [];
    for (const record of records) {
      const pkcs8 = await unseal(from, record.wrappedKey, pkcs8Context(record.id));
      try {
        resealed.push({
          ...record,
          wrappedKey: await seal(to, pkcs8, pkcs8Context(record.id)),
          handles: storeHandles ? await importKeyHandles(pkcs8, record.key) : null,
        });
      } finally {
        wipe(pkcs8);
      }
    }
    await write(this.db, [STORES.identities, STORES.meta], (tx) => {
      for (const record of resealed) tx.objectStore(STORES.identities).put(record);
      tx.objectStore(STORES.meta).put(protection, PROTECTION);
    });
  }

  // ---- Choices per sending address -----------------------------------------------------------

  async preferences(): Promise<AddressPreference[]> {
    return getAll<AddressPreference>(this.db, STORES.preferences);
  }

  /** Sets the signing and/or encryption identity for `address`; null returns to the default. */
  async setPreference(address: string, change: { signingId?: string | null; encryptionId?: string | null }): Promise<void> {
    const key = address.trim().toLowerCase();
    const current = (await getOne<AddressPreference>(this.db, STORES.preferences, key)) ?? { address: key, signingId: null, encryptionId: null };
    const next = { ...current, ...change };
    await write(this.db, [STORES.preferences], (tx) => tx.objectStore(STORES.preferences).put(next));
  }

  /** The identity chosen (or by default) for `purpose` from `address`; public data, works while locked. */
  async chosen(address: string, purpose: IdentityPurpose, now = new Date()): Promise<StoredIdentity | null> {
    const [identities, preferences] = await Promise.all([this.list(), this.preferences()]);
    const preference = preferences.find((p) => sameAddress(p.address, address));
    const choosable = identities.map((i) => ({ ...i, keyKind: i.key.kind }));
    return chosenFor(choosable, preference, address, purpose, now);
  }

  /** The identity that signs mail from `address`, null when none. Throws KeystoreLockedError while locked. */
  async signingIdentity(address: string): Promise<Identity | null> {
    const chosen = await this.chosen(address, 'signing');
    return chosen ? this.identity(chosen.id) : null;
  }

  /** The user's own certificate to encrypt to for `address` (Sent, Drafts); works while locked. */
  async encryptionCertificate(address: string): Promise<pkijs.Certificate | null> {
    const chosen = await this.chosen(address, 'encryption');
    return chosen ? parseCertificate(chosen.certificateDer) : null;
  }
}

/** The certificate's SHA-256, hex: one record per certificate, so importing a file twice adds nothing. */
async function identityId(certificateDer: Uint8Array): Promise<string> {
  return toHex(await digest('SHA-256', certificateDer));
}

function describe(record: IdentityRecord): StoredIdentity {
  const certificate = parseCertificate(record.certificate);
  return {
    id: record.id,
    label: record.label,
    certificateDer: record.certificate,
    chainDers: record.chain,
    addresses: record.addresses,
    key: record.key,
    createdAt: record.createdAt,
    subject: nameText(certificate.subject),
    issuer: nameText(certificate.issuer),
    notBefore: certificate.notBefore.value,
    notAfter: certificate.notAfter.value,
    keyAlgorithm: keyAlgorithmName(certificate),
  };
}

const COMMON_NAME = '2.5.4.3';

/** The common name, else the whole name as "type=value" pairs. */
function nameText(name: pkijs.RelativeDistinguishedNames): string {
  const values = name.typesAndValues.map((tv) => ({ type: tv.type, value: String(tv.value.valueBlock.value) }));
  return values.find((v) => v.type === COMMON_NAME)?.value ?? values.map((v) => `${v.type}=${v.value}`).join(', ');
}

function defaultLabel(certificate: pkijs.Certificate): string {
  return nameText(certificate.subject) || certificateEmails(certificate)[0] || 'Certificate';
}

function cleanLabel(label: string): string {
  const clean = label.replace(/\p{Cc}/gu, ' ').trim();
  if (!clean) throw new KeystoreError('invalid-argument', 'A name cannot be empty.');
  return clean.slice(0, MAX_LABEL);
}

function checkPassphrase(passphrase: string): void {
  if (passphrase.length < MIN_PASSPHRASE) throw new KeystoreError('invalid-argument', `A keystore passphrase needs at least ${MIN_PASSPHRASE} characters.`);
}
