'use client';

import { type ReactNode, createContext, useContext, useEffect, useState } from 'react';
import { useStore } from 'zustand';

import { type CardState, type CardStore, createCardStore } from './card-store';
import { bridgeConnector } from './bridge-connector';
import { webUsbConnector } from './card-connectors';
import { type CertbookState, type CertbookStore, createCertbookStore } from './certbook-store';
import { type IdentityState, type IdentityStore, createIdentityStore } from './identity-store';
import { type SecuritySources, securitySources } from './security-sources';
import { type TrustStore, createTrustStore } from './trust-store';

// The browser-side security state: the user's keys (IndexedDB), trust settings and the
// certificate address book. One set per signed-in page, outside the mail stores so that the
// reader, the composer and settings share it (an unlocked keystore stays unlocked between them).
export interface SecurityStores {
  /** The signed-in address. */
  email: string;
  /** The user's keys: list, lock, choices per address; the IdentitySource (stores/identity-store.ts). */
  identities: IdentityStore;
  /** The certificate address book (CertificateSource): certbook.getState().recipientCertificates(...), .harvest(...). */
  certbook: CertbookStore;
  /** Trust anchors, the policy and the revocation cache (stores/trust-store.ts). */
  trust: TrustStore;
  /** The connected smart card (stores/card-store.ts): its identities join the soft keys in `sources`. */
  card: CardStore;
  /** The three (and the card) as the reader's and composer's sources, and lib/smime in a Web Worker. */
  sources: SecuritySources;
}

const SecurityStoresContext = createContext<SecurityStores | null>(null);

export function SecurityStoresProvider({ email, children }: { email: string; children: ReactNode }) {
  const [stores] = useState<SecurityStores>(() => {
    const identities = createIdentityStore({ email });
    const certbook = createCertbookStore();
    const trust = createTrustStore(email);
    const card = createCardStore({ connectors: { webusb: webUsbConnector(), bridge: bridgeConnector() } });
    return { email, identities, certbook, trust, card, sources: securitySources({ identities, certbook, trust, card }) };
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

export function useIdentities<T>(selector: (state: IdentityState) => T): T {
  return useStore(useSecurityStores().identities, selector);
}

export function useCard<T>(selector: (state: CardState) => T): T {
  return useStore(useSecurityStores().card, selector);
}

export function useCertbook<T>(selector: (s: CertbookState) => T): T {
  return useStore(useSecurityStores().certbook, selector);
}

/** The page's trust: a TrustSource for the reader and composer, and state for settings. */
export function useTrust(): TrustStore {
  return useSecurityStores().trust;
}
