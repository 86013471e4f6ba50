'use client';

import { type ReactNode, createContext, useContext, useEffect, useState } from 'react';

import { type TrustStore, createTrustStore } from './trust-store';

// The browser-side security state: the user's keys (IndexedDB), trust settings and the
// certificate address book. One set per signed-in page, outside the mail stores so that the
// reader, the composer and settings share it (an unlocked keystore stays unlocked between them).
// Each store adds itself here: a field, its creation below, and a use… hook.
export interface SecurityStores {
  /** Where each store's creation is wired; see stores/security-contracts.ts for what they provide. */
  readonly created: true;
  /** Trust anchors, the policy and the revocation cache (stores/trust-store.ts). */
  trust: TrustStore;
}

const SecurityStoresContext = createContext<SecurityStores | null>(null);

export function SecurityStoresProvider({ email, children }: { email: string; children: ReactNode }) {
  const [stores] = useState<SecurityStores>(() => {
    void email;
    return { created: true, trust: createTrustStore(email) };
  });
  // The policy is needed as soon as a composer opens: load it with the page (once per page).
  useEffect(() => {
    void stores.trust.load();
  }, [stores]);
  return <SecurityStoresContext.Provider value={stores}>{children}</SecurityStoresContext.Provider>;
}

export function useSecurityStores(): SecurityStores {
  const stores = useContext(SecurityStoresContext);
  if (!stores) throw new Error('SecurityStoresProvider is missing');
  return stores;
}

/** The page's trust: a TrustSource for the reader and composer, and state for settings. */
export function useTrust(): TrustStore {
  return useSecurityStores().trust;
}
