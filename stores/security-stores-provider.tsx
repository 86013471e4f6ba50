'use client';

import { type ReactNode, createContext, useContext, useState } from 'react';
import { useStore } from 'zustand';

import { type IdentityState, type IdentityStore, createIdentityStore } from './identity-store';
import { type CertbookState, type CertbookStore, createCertbookStore } from './certbook-store';

// The browser-side security state: the user's keys (IndexedDB), trust settings and the
// certificate address book. One set per signed-in page, outside the mail stores so that the
// reader, the composer and settings share it (an unlocked keystore stays unlocked between them).
// Each store adds itself here: a field, its creation below, and a use… hook.
export interface SecurityStores {
  /** Where each store's creation is wired; see stores/security-contracts.ts for what they provide. */
  readonly created: true;
  /** The user's keys: list, lock, choices per address; the IdentitySource (stores/identity-store.ts). */
  identities: IdentityStore;
  /** The certificate address book (CertificateSource): certbook.getState().recipientCertificates(...), .harvest(...). */
  certbook: CertbookStore;
}

const SecurityStoresContext = createContext<SecurityStores | null>(null);

export function SecurityStoresProvider({ email, children }: { email: string; children: ReactNode }) {
  const [stores] = useState<SecurityStores>(() => {
    void email;
    return {
      created: true,
      identities: createIdentityStore({ email }),
      certbook: createCertbookStore(),
    };
  });
  return <SecurityStoresContext.Provider value={stores}>{children}</SecurityStoresContext.Provider>;
}

export function useSecurityStores(): SecurityStores {
  const stores = useContext(SecurityStoresContext);
  if (!stores) throw new Error('SecurityStoresProvider is missing');
  return stores;
}

export function useIdentities<T>(selector: (state: IdentityState) => T): T {
  return useStore(useSecurityStores().identities, selector);
}

export function useCertbook<T>(selector: (s: CertbookState) => T): T {
  return useStore(useSecurityStores().certbook, selector);
}
