import { type StoreApi, createStore } from 'zustand/vanilla';

import { type Api, ApiRequestError, api, errorMessage } from '@/lib/api/client';
import { serverPkiFetcher } from '@/lib/api/pki-fetcher';
import type { SecurityPolicy } from '@/lib/policy/security-policy';
import type { PkiFetcher, TrustSettings } from '@/lib/smime';
import { type CachingPkiFetcher, createCachingPkiFetcher } from '@/lib/trust/caching-pki-fetcher';
import { SecurityConfigError, readSecurityConfig } from '@/lib/trust/read-security-config';
import { RootImportError, type TrustAnchor, anchorFromDer, rootsFromFile } from '@/lib/trust/trust-anchors';
import { type UserRootsDb, userRootsDb } from '@/lib/trust/user-roots-db';

import type { TrustSource } from './security-contracts';

// Trust for the signed-in page: the organisation's roots and policy (GET /api/security, once per
// page), the roots this user imported (IndexedDB, lib/trust/user-roots-db.ts), and one caching
// fetcher over the server's CRL/OCSP relay shared by every check on the page. The reader and the
// composer see it as a TrustSource; settings draw `state`.

export interface UserRoot extends TrustAnchor {
  /** ISO time of the import. */
  addedAt: string;
}

export interface TrustState {
  status: 'idle' | 'loading' | 'ready' | 'error';
  /** Why loading failed (the organisation's settings could not be fetched or read). */
  error: string | null;
  /** Null until loaded. */
  policy: SecurityPolicy | null;
  organisationRoots: TrustAnchor[];
  userRoots: UserRoot[];
  /** Why this browser's imported roots could not be read (IndexedDB unavailable); the organisation's still apply. */
  userRootsError: string | null;
}

export interface ImportOutcome {
  /** Subjects of the roots added. */
  added: string[];
  /** Subjects of roots that were trusted already (the organisation's or imported before). */
  alreadyTrusted: string[];
}

export interface TrustStore extends TrustSource {
  readonly state: StoreApi<TrustState>;
  /** Loads the organisation's settings and the user's roots; once per page (again only after a failure). */
  load(): Promise<void>;
  /** Adds the roots in a .cer/.crt/.pem file; throws RootImportError with a sentence for the user. */
  importRoots(file: Uint8Array): Promise<ImportOutcome>;
  removeRoot(sha256: string): Promise<void>;
}

/** policy() or trustSettings() could not be answered: the organisation's settings are not loaded. */
export class TrustUnavailableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TrustUnavailableError';
  }
}

interface Deps {
  fetchSecurity?: Api['security'];
  rootsDb?: UserRootsDb;
  /** Under the cache; the server's relay by default. */
  pkiFetcher?: PkiFetcher;
  onSessionEnded?: () => void;
}

export function createTrustStore(
  email: string,
  { fetchSecurity = api.security, rootsDb, pkiFetcher = serverPkiFetcher(), onSessionEnded = () => {} }: Deps = {},
): TrustStore {
  const state = createStore<TrustState>()(() => ({
    status: 'idle',
    error: null,
    policy: null,
    organisationRoots: [],
    userRoots: [],
    userRootsError: null,
  }));
  const cache: CachingPkiFetcher = createCachingPkiFetcher(pkiFetcher);
  let db: UserRootsDb | null = rootsDb ?? null;
  const roots = (): UserRootsDb => (db ??= userRootsDb(email));
  let loading: Promise<void> | null = null;

  const readUserRoots = async (): Promise<void> => {
    try {
      const stored = await roots().list();
      const parsed = await Promise.all(
        // A stored root that no longer reads (a newer parser's stricter rule) is left out, not fatal.
        stored.map(async ({ der, addedAt }) => anchorFromDer(der).then((a): UserRoot[] => [{ ...a, addedAt }], () => [])),
      );
      state.setState({ userRoots: parsed.flat(), userRootsError: null });
    } catch {
      state.setState({ userRoots: [], userRootsError: 'Your imported root certificates could not be read from this browser.' });
    }
  };

  const loadOnce = async (): Promise<void> => {
    state.setState({ status: 'loading', error: null });
    try {
      const config = await readSecurityConfig(await fetchSecurity());
      await readUserRoots();
      state.setState({ status: 'ready', policy: config.policy, organisationRoots: config.organisationRoots });
    } catch (err) {
      if (err instanceof ApiRequestError && err.code === 'not-signed-in') onSessionEnded();
      const message = err instanceof SecurityConfigError ? err.message : errorMessage(err, "The organisation's security settings could not be loaded.");
      state.setState({ status: 'error', error: message });
      loading = null; // the next call tries again
    }
  };

  const load = (): Promise<void> => (loading ??= loadOnce());

  const ready = async () => {
    await load();
    const { status, error, policy } = state.getState();
    if (status !== 'ready' || !policy) throw new TrustUnavailableError(error ?? "The organisation's security settings are not loaded.");
    return state.getState();
  };

  const isTrusted = (sha256: string) => {
    const { organisationRoots, userRoots } = state.getState();
    return [...organisationRoots, ...userRoots].some((r) => r.summary.sha256 === sha256);
  };

  return {
    state,
    load,
    policy() {
      // Synchronous for the composer's toggles: fail closed rather than guess a policy.
      const { policy } = state.getState();
      if (!policy) throw new TrustUnavailableError("The organisation's security policy is not loaded yet.");
      return policy;
    },
    async trustSettings({ fresh = false } = {}): Promise<TrustSettings> {
      const { policy, organisationRoots, userRoots } = await ready();
      return {
        anchors: [...organisationRoots, ...userRoots].map((r) => r.certificate),
        revocation: policy!.revocation,
        fetcher: fresh ? cache.fresh : cache,
      };
    },
    async importRoots(file) {
      await ready();
      const found = await rootsFromFile(file);
      const outcome: ImportOutcome = { added: [], alreadyTrusted: [] };
      try {
        for (const root of found) {
          const subject = root.summary.subject;
          const fresh = !isTrusted(root.summary.sha256) && (await roots().add({ sha256: root.summary.sha256, der: root.der, addedAt: new Date().toISOString() }));
          (fresh ? outcome.added : outcome.alreadyTrusted).push(subject);
        }
      } catch (err) {
        if (err instanceof RootImportError) throw err;
        throw new RootImportError('The root certificate could not be saved in this browser.');
      } finally {
        await readUserRoots();
      }
      return outcome;
    },
    async removeRoot(sha256) {
      try {
        await roots().remove(sha256);
      } finally {
        await readUserRoots();
      }
    },
  };
}
