// The roots a user imported, in this browser's IndexedDB, one list per signed-in address (two
// users of one browser never share trust). Certificates are public: nothing here is secret.

export const USER_ROOTS_DB = 'sealpost-trust';
const STORE = 'user-roots';
const BY_OWNER = 'by-owner';

/** One imported root as stored. */
export interface StoredRoot {
  /** SHA-256 of the DER, lower-case hex: the root's identity. */
  sha256: string;
  der: Uint8Array;
  /** ISO time of the import. */
  addedAt: string;
}

interface Row extends StoredRoot {
  owner: string;
}

export interface UserRootsDb {
  /** Oldest first. */
  list(): Promise<StoredRoot[]>;
  /** Stores a root; false when this owner already has it. */
  add(root: StoredRoot): Promise<boolean>;
  remove(sha256: string): Promise<void>;
}

const request = <T>(r: IDBRequest<T>): Promise<T> =>
  new Promise((resolve, reject) => {
    r.onsuccess = () => resolve(r.result);
    r.onerror = () => reject(r.error ?? new Error('IndexedDB request failed'));
  });

function openDb(factory: IDBFactory): Promise<IDBDatabase> {
  const open = factory.open(USER_ROOTS_DB, 1);
  open.onupgradeneeded = () => {
    const store = open.result.createObjectStore(STORE, { keyPath: ['owner', 'sha256'] });
    store.createIndex(BY_OWNER, 'owner');
  };
  return request(open);
}

/** The imported roots of `address`; `indexedDB` for tests (fake-indexeddb). */
export function userRootsDb(address: string, factory: IDBFactory = globalThis.indexedDB): UserRootsDb {
  const owner = address.trim().toLowerCase();
  let db: Promise<IDBDatabase> | null = null;
  const store = async (mode: IDBTransactionMode) => {
    db ??= openDb(factory).catch((err: unknown) => {
      db = null; // let a later call try again
      throw err;
    });
    const tx = (await db).transaction(STORE, mode);
    const done = new Promise<void>((resolve, reject) => {
      tx.oncomplete = () => resolve();
      tx.onerror = () => reject(tx.error ?? new Error('IndexedDB transaction failed'));
      tx.onabort = () => reject(tx.error ?? new Error('IndexedDB transaction aborted'));
    });
    return { objects: tx.objectStore(STORE), done };
  };

  return {
    async list() {
      const { objects, done } = await store('readonly');
      const rows = await request(objects.index(BY_OWNER).getAll(IDBKeyRange.only(owner)) as IDBRequest<Row[]>);
      await done;
      return rows
        .map(({ sha256, der, addedAt }) => ({ sha256, der: new Uint8Array(der), addedAt }))
        .sort((a, b) => a.addedAt.localeCompare(b.addedAt));
    },
    async add(root) {
      const { objects, done } = await store('readwrite');
      const existing = await request(objects.get([owner, root.sha256]));
      if (!existing) objects.put({ owner, sha256: root.sha256, der: root.der.slice(), addedAt: root.addedAt } satisfies Row);
      await done;
      return !existing;
    },
    async remove(sha256) {
      const { objects, done } = await store('readwrite');
      objects.delete([owner, sha256]);
      await done;
    },
  };
}
