// Promises over the few IndexedDB calls the keystore makes. Each helper is one transaction: a
// transaction commits as soon as no request is pending, so all crypto happens before it opens.
import { KeystoreError } from './errors';

export const STORES = { identities: 'identities', meta: 'meta', preferences: 'preferences' } as const;
type StoreName = (typeof STORES)[keyof typeof STORES];

const DB_VERSION = 1;

/** One database per signed-in address, so two accounts in one browser never share keys. */
export function keystoreDatabaseName(address: string): string {
  return `sealpost-keystore:${address.trim().toLowerCase()}`;
}

export function openDatabase(factory: IDBFactory | undefined, name: string): Promise<IDBDatabase> {
  if (!factory) return Promise.reject(new KeystoreError('unavailable', 'This browser cannot store keys (IndexedDB is not available).'));
  return new Promise((resolve, reject) => {
    const request = factory.open(name, DB_VERSION);
    request.onupgradeneeded = () => {
      const db = request.result;
      if (!db.objectStoreNames.contains(STORES.identities)) db.createObjectStore(STORES.identities, { keyPath: 'id' });
      if (!db.objectStoreNames.contains(STORES.meta)) db.createObjectStore(STORES.meta);
      if (!db.objectStoreNames.contains(STORES.preferences)) db.createObjectStore(STORES.preferences, { keyPath: 'address' });
    };
    request.onsuccess = () => {
      const db = request.result;
      // Another tab deletes or upgrades the database: let it, instead of blocking it forever.
      db.onversionchange = () => db.close();
      resolve(db);
    };
    request.onerror = () => reject(new KeystoreError('unavailable', 'The key store could not be opened.', { cause: request.error }));
    request.onblocked = () => reject(new KeystoreError('unavailable', 'The key store is in use by an older tab; close it and try again.'));
  });
}

function done(tx: IDBTransaction): Promise<void> {
  return new Promise((resolve, reject) => {
    tx.oncomplete = () => resolve();
    tx.onabort = tx.onerror = () => reject(new KeystoreError('unavailable', 'The key store could not be written.', { cause: tx.error }));
  });
}

function result<T>(request: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(new KeystoreError('unavailable', 'The key store could not be read.', { cause: request.error }));
  });
}

export async function getAll<T>(db: IDBDatabase, store: StoreName): Promise<T[]> {
  return result(db.transaction(store, 'readonly').objectStore(store).getAll() as IDBRequest<T[]>);
}

export async function getOne<T>(db: IDBDatabase, store: StoreName, key: IDBValidKey): Promise<T | undefined> {
  return result(db.transaction(store, 'readonly').objectStore(store).get(key) as IDBRequest<T | undefined>);
}

/** Writes in one transaction: everything or nothing. */
export async function write(db: IDBDatabase, stores: StoreName[], work: (tx: IDBTransaction) => void): Promise<void> {
  const tx = db.transaction(stores, 'readwrite');
  const finished = done(tx);
  work(tx);
  await finished;
}
