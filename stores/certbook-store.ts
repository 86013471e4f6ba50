import type * as pkijs from 'pkijs';
import { createStore } from 'zustand/vanilla';

import { type Api, ApiRequestError, api as defaultApi, errorMessage } from '@/lib/api/client';
import { type CertbookRecord, decodeBook, encodeEntry } from '@/lib/certbook/certbook-entry';
import { planHarvest } from '@/lib/certbook/harvest-plan';
import { type ImportCandidate, type ImportPlan, importedRecord, planImport } from '@/lib/certbook/import-plan';
import { recordsForAddress } from '@/lib/certbook/records-for-address';
import { type DirectoryRecipientCertificates, certificatesFromDirectoryAnswer } from '@/lib/recipients/directory-certificates';
import { sameCertificate } from '@/lib/smime';

import type { CertificateSource, HarvestOutcome, RecipientCertificate } from './security-contracts';

// The certificate address book in the browser (issue 5): the entries stored in the user's IMAP
// folder through /api/certificates/book, read and checked by lib/certbook, plus LDAP look-ups
// cached for the session. It implements CertificateSource for the reader and the composer.
// Every certificate it hands out is a candidate only: the caller validates it (chain to trusted
// roots, address match, revocation) before encrypting to it or trusting a signature.

export type CertbookApi = Pick<Api, 'certbook' | 'putCertbookEntry' | 'deleteCertbookEntry' | 'directoryCertificates'>;

export interface CertbookState extends CertificateSource {
  status: 'idle' | 'loading' | 'ready' | 'error';
  /** The last failure (loading, or storing a harvested certificate), in plain words. */
  error: string | null;
  records: CertbookRecord[];
  /** Stored entries that could not be read and were skipped (the server is not trusted). */
  skipped: number;
  skippedReasons: string[];
  /** Reads the book from the server (again). */
  load(): Promise<void>;
  /** What a certificate file holds and what of it would be added. Throws ImportFileError. */
  planImport(bytes: Uint8Array): Promise<ImportPlan>;
  /** Stores certificates the user chose to import; answers how many were stored. Throws ApiRequestError. */
  addImported(candidates: ImportCandidate[]): Promise<number>;
  /** Deletes an entry from the book. Throws ApiRequestError. */
  remove(fingerprint: string): Promise<void>;
  /**
   * The user confirmed a flagged certificate (by another way, as the warning asks): its key-change
   * flag is cleared, so it is offered for encryption like any other. Throws ApiRequestError.
   */
  acceptKeyChange(fingerprint: string): Promise<void>;
}

interface Deps {
  api?: CertbookApi;
  now?: () => Date;
  onSessionEnded?: () => void;
}

const sameAddress = (a: string) => a.trim().toLowerCase();

/** One store per signed-in page (see SecurityStoresProvider). */
export function createCertbookStore({ api = defaultApi, now = () => new Date(), onSessionEnded = () => {} }: Deps = {}) {
  let loading: Promise<void> | null = null;
  let loadFailure: unknown = null;
  // Writes (harvests, imports, deletions) run one at a time, so each sees the book the last one left.
  let queue: Promise<unknown> = Promise.resolve();
  const serial = <T>(work: () => Promise<T>): Promise<T> => {
    const run = queue.then(work, work);
    queue = run.catch(() => {});
    return run;
  };
  const directory = new Map<string, Promise<DirectoryRecipientCertificates>>();
  /** Issuing CAs found beside directory certificates: path-building help, never anchors. */
  let directoryIntermediates: pkijs.Certificate[] = [];

  const noticeEnded = (e: unknown) => {
    if (e instanceof ApiRequestError && e.code === 'not-signed-in') onSessionEnded();
  };

  return createStore<CertbookState>()((set, get) => {
    const upsert = (record: CertbookRecord) =>
      set({ records: [...get().records.filter((r) => r.entry.fingerprint !== record.entry.fingerprint), record] });
    const store = (record: CertbookRecord) => api.putCertbookEntry(record.entry.fingerprint, encodeEntry(record.entry)).then(() => upsert(record));

    const ensureLoaded = async (): Promise<void> => {
      if (get().status === 'ready') return;
      await (loading ?? get().load());
    };

    const lookUpDirectory = (address: string): Promise<DirectoryRecipientCertificates> => {
      const key = sameAddress(address);
      let found = directory.get(key);
      if (!found) {
        found = api.directoryCertificates([address]).then((answer) => {
          const [mine] = certificatesFromDirectoryAnswer(answer);
          const result = mine ?? { email: address, certificates: [], otherCertificates: [], skipped: [] };
          directoryIntermediates = [...directoryIntermediates, ...result.otherCertificates];
          return result;
        });
        // A failed look-up is asked again next time (the directory may be back).
        found.catch(() => directory.delete(key));
        directory.set(key, found);
      }
      return found;
    };

    return {
      status: 'idle',
      error: null,
      records: [],
      skipped: 0,
      skippedReasons: [],

      load() {
        loading ??= (async () => {
          set({ status: 'loading', error: null });
          loadFailure = null;
          try {
            const listing = await api.certbook();
            const book = await decodeBook(Array.isArray(listing?.entries) ? listing.entries : [], listing?.skipped);
            set({ status: 'ready', records: book.records, skipped: book.skipped, skippedReasons: book.reasons });
          } catch (e) {
            noticeEnded(e);
            loadFailure = e;
            set({ status: 'error', error: errorMessage(e, 'Your certificate address book could not be loaded.') });
          } finally {
            loading = null;
          }
        })();
        return loading;
      },

      knownCertificates() {
        return [...get().records.map((r) => r.certificate), ...directoryIntermediates];
      },

      async recipientCertificates(address) {
        const failures: unknown[] = [];
        await ensureLoaded();
        if (get().status !== 'ready') failures.push(loadFailure);
        const fromBook: RecipientCertificate[] = recordsForAddress(get().records, address).map((r) => ({
          certificate: r.certificate,
          origin: r.entry.origin,
          capabilities: r.entry.capabilities,
        }));
        let fromDirectory: RecipientCertificate[] = [];
        try {
          const found = await lookUpDirectory(address);
          fromDirectory = found.certificates
            .filter((c) => !fromBook.some((b) => sameCertificate(b.certificate, c)))
            .map((certificate) => ({ certificate, origin: 'directory' as const, capabilities: null }));
        } catch (e) {
          noticeEnded(e);
          failures.push(e);
        }
        const all = [...fromBook, ...fromDirectory];
        // Nothing found while a source was unreachable is not "no certificate": say why.
        if (all.length === 0 && failures.length > 0) throw failures[failures.length - 1];
        return all;
      },

      harvest(result, fromAddress) {
        return serial(async (): Promise<HarvestOutcome> => {
          await ensureLoaded();
          // Without the book there is nothing to compare a new key with: harvest another time.
          if (get().status !== 'ready') return { added: 0, keyChangeWarnings: [] };
          const plan = await planHarvest(result, fromAddress, get().records, now());
          let added = 0;
          for (const record of plan.writes) {
            try {
              await store(record);
              added++;
            } catch (e) {
              noticeEnded(e);
              set({ error: errorMessage(e, 'A certificate could not be saved in your address book.') });
            }
          }
          return { added, keyChangeWarnings: plan.warnings };
        });
      },

      async planImport(bytes) {
        await ensureLoaded();
        return planImport(bytes, get().records);
      },

      addImported(candidates) {
        return serial(async () => {
          let added = 0;
          for (const candidate of candidates) {
            try {
              await store(importedRecord(candidate, now()));
            } catch (e) {
              noticeEnded(e);
              throw e;
            }
            added++;
          }
          return added;
        });
      },

      remove(fingerprint) {
        return serial(async () => {
          try {
            await api.deleteCertbookEntry(fingerprint);
          } catch (e) {
            noticeEnded(e);
            throw e;
          }
          set({ records: get().records.filter((r) => r.entry.fingerprint !== fingerprint) });
        });
      },

      acceptKeyChange(fingerprint) {
        return serial(async () => {
          const record = get().records.find((r) => r.entry.fingerprint === fingerprint);
          if (!record?.entry.keyChange) return;
          try {
            await store({ ...record, entry: { ...record.entry, keyChange: null } });
          } catch (e) {
            noticeEnded(e);
            throw e;
          }
        });
      },
    };
  });
}

export type CertbookStore = ReturnType<typeof createCertbookStore>;
