'use client';

import { type ReactNode, useMemo } from 'react';
import { useStore } from 'zustand';

import { useSecurityStores } from '@/stores/security-stores-provider';

import { type ComposeSecurity, ComposeSecurityProvider } from '../compose/security-context';

/**
 * Gives the composer the page's keys, trust, address book and the S/MIME worker, once the
 * organisation's policy has loaded: the composer reads it synchronously (TrustSource.policy()
 * throws until then), so a composer opened earlier gets its Security toggles when it arrives.
 */
export function ComposeSecurityWiring({ children }: { children: ReactNode }) {
  const { sources, trust } = useSecurityStores();
  const policyLoaded = useStore(trust.state, (s) => s.policy !== null);
  const value = useMemo<ComposeSecurity | null>(
    () => (policyLoaded ? { ...sources, signingFormat: () => trust.policy().defaultSigningFormat } : null),
    [policyLoaded, sources, trust],
  );
  return <ComposeSecurityProvider value={value}>{children}</ComposeSecurityProvider>;
}
