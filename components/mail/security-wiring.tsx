'use client';

import type { ReactNode } from 'react';

import { useSecurityStores } from '@/stores/security-stores-provider';

import { ComposeSecurityProvider } from '../compose/security-context';

/**
 * Gives the composer the page's keys, trust, address book and the S/MIME worker. No signing
 * format of its own: there is no user setting yet, so the composer takes the policy's default
 * once the policy has loaded (asking the trust store for it earlier throws).
 */
export function ComposeSecurityWiring({ children }: { children: ReactNode }) {
  const { sources } = useSecurityStores();
  return <ComposeSecurityProvider value={sources}>{children}</ComposeSecurityProvider>;
}
