import type * as pkijs from 'pkijs';
import { createStore } from 'zustand/vanilla';

import type { AddressPreference } from '@/lib/keystore/address-choices';
import { isKeystoreError } from '@/lib/keystore/errors';
import { type Keystore, type Protection, type SaveOutcome, type StoredIdentity, openKeystore as openBrowserKeystore } from '@/lib/keystore/keystore';
import type { Pkcs12FileContents } from '@/lib/keystore/pkcs12-file';
import { type Pkcs12Read, readPkcs12InWorker } from '@/lib/keystore/pkcs12-jobs';
import type { Identity } from '@/lib/smime';

import type { IdentitySource } from './security-contracts';

/** The resolved choice for one sending address (ids of StoredIdentity; null: none fits). */
export interface AddressChoice {
  address: string;
  /** What the user chose; null: the default. */
  preference: AddressPreference;
  signingId: string | null;
  encryptionId: string | null;
}

export interface UnlockRequest {
  /** Why the passphrase is asked for, e.g. "to decrypt this message". */
  reason: string;
}

export interface IdentityState extends IdentitySource {
  status: 'idle' | 'loading' | 'ready' | 'error';
  error: string | null;
  /** Newest first; public data only (no key material ever enters the store). */
  identities: StoredIdentity[];
  protection: Protection;
  locked: boolean;
  /** One entry per sending address: the account's and every address a certificate names. */
  choices: AddressChoice[];
  /** Set while some part of the app waits for the user to unlock (the unlock dialog shows it). */
  unlockRequest: UnlockRequest | null;

  load(): Promise<void>;
  /** Reads a PKCS#12 file (in a Web Worker in the browser) for the preview; nothing is stored yet. */
  readPkcs12(bytes: Uint8Array, password: string): Promise<Pkcs12Read>;
  saveImport(contents: Pkcs12FileContents): Promise<SaveOutcome>;
  rename(id: string, label: string): Promise<void>;
  remove(id: string): Promise<void>;
  /** The identity as a PKCS#12 file under `password` (600,000 iterations, written in a worker). */
  exportPkcs12(id: string, password: string): Promise<Uint8Array>;
  setPreference(address: string, change: { signingId?: string | null; encryptionId?: string | null }): Promise<void>;
  setPassphrase(passphrase: string): Promise<void>;
  changePassphrase(current: string, passphrase: string): Promise<void>;
  removePassphrase(current: string): Promise<void>;
  unlock(passphrase: string): Promise<void>;
  lock(): Promise<void>;
  /**
   * Asks the user to unlock (the unlock dialog appears); resolves true once unlocked, false when
   * the user cancels. Resolves true at once when nothing is locked.
   */
  requestUnlock(reason?: string): Promise<boolean>;
  /** The unlock dialog's Cancel. */
  cancelUnlock(): void;
}

export type IdentityStore = ReturnType<typeof createIdentityStore>;

interface Deps {
  email: string;
  /** Tests give a keystore over fake-indexeddb. */
  openKeystore?: (email: string) => Promise<Keystore>;
  readPkcs12?: (bytes: Uint8Array, password: string) => Promise<Pkcs12Read>;
}

const message = (error: unknown, fallback: string) => (isKeystoreError(error) ? error.message : fallback);

/**
 * The user's identities, the lock and the choices per sending address; also the reader's and
 * composer's IdentitySource. The keystore opens on first use (never during server rendering).
 */
export function createIdentityStore({ email, openKeystore = (address) => openBrowserKeystore(address), readPkcs12 = readPkcs12InWorker }: Deps) {
  let opening: Promise<Keystore> | null = null;
  const keystore = () => {
    opening ??= openKeystore(email).catch((error: unknown) => {
      opening = null;
      throw error;
    });
    return opening;
  };
  const waiting: ((unlocked: boolean) => void)[] = [];
  const settleWaiting = (unlocked: boolean) => waiting.splice(0).forEach((resolve) => resolve(unlocked));

  return createStore<IdentityState>()((set, get) => {
    /** Re-reads list, lock state and choices from the keystore. */
    const refresh = async () => {
      const store = await keystore();
      const [identities, status, preferences] = await Promise.all([store.list(), store.status(), store.preferences()]);
      const addresses = [...new Set([email, ...identities.flatMap((i) => i.addresses)].map((a) => a.toLowerCase()))];
      const choices = await Promise.all(
        addresses.map(async (address): Promise<AddressChoice> => {
          const preference = preferences.find((p) => p.address === address) ?? { address, signingId: null, encryptionId: null };
          const [signing, encryption] = await Promise.all([store.chosen(address, 'signing'), store.chosen(address, 'encryption')]);
          return { address, preference, signingId: signing?.id ?? null, encryptionId: encryption?.id ?? null };
        }),
      );
      set({ identities, protection: status.protection, locked: status.locked, choices, status: 'ready', error: null });
    };
    /** An action that changes the keystore, then the view of it. Errors go to the caller (the form shows them). */
    const change = async <T>(work: (store: Keystore) => Promise<T>): Promise<T> => {
      const result = await work(await keystore());
      await refresh();
      return result;
    };
    /** Throws KeystoreLockedError after noting the lock state, so the UI follows. */
    const whileUnlocked = async <T>(work: (store: Keystore) => Promise<T>): Promise<T> => {
      try {
        return await work(await keystore());
      } catch (error) {
        if (isKeystoreError(error, 'locked')) set({ locked: true });
        throw error;
      }
    };

    return {
      status: 'idle',
      error: null,
      identities: [],
      protection: 'device',
      locked: false,
      choices: [],
      unlockRequest: null,

      async load() {
        if (get().status === 'idle') set({ status: 'loading' });
        try {
          await refresh();
        } catch (error) {
          set({ status: 'error', error: message(error, 'Your certificates could not be loaded.') });
        }
      },
      readPkcs12: (bytes, password) => readPkcs12(bytes, password),
      saveImport: (contents) => change((store) => store.save(contents)),
      rename: (id, label) => change((store) => store.rename(id, label)),
      remove: (id) => change((store) => store.remove(id)),
      exportPkcs12: (id, password) => whileUnlocked((store) => store.exportPkcs12(id, password)),
      setPreference: (address, preference) => change((store) => store.setPreference(address, preference)),
      setPassphrase: (passphrase) => change((store) => store.setPassphrase(passphrase)),
      changePassphrase: (current, passphrase) => change((store) => store.changePassphrase(current, passphrase)),
      removePassphrase: async (current) => {
        await change((store) => store.removePassphrase(current));
        set({ unlockRequest: null });
        settleWaiting(true);
      },
      async unlock(passphrase) {
        await change((store) => store.unlock(passphrase));
        set({ unlockRequest: null });
        settleWaiting(true);
      },
      lock: () => change(async (store) => store.lock()),

      async requestUnlock(reason = 'to use your private keys') {
        const status = await (await keystore()).status();
        if (!status.locked) return true;
        set({ locked: true, unlockRequest: { reason } });
        return new Promise<boolean>((resolve) => waiting.push(resolve));
      },
      cancelUnlock() {
        set({ unlockRequest: null });
        settleWaiting(false);
      },

      identitiesForReading: (): Promise<Identity[]> => whileUnlocked((store) => store.identities()),
      signingIdentity: (address: string): Promise<Identity | null> => whileUnlocked((store) => store.signingIdentity(address)),
      ownEncryptionCertificate: async (address: string): Promise<pkijs.Certificate | null> => (await keystore()).encryptionCertificate(address),
    };
  });
}
