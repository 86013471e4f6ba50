'use client';

import type { ReactNode } from 'react';

import { useSecurityStores } from '@/stores/security-stores-provider';

import { type ComposeSecurity, ComposeSecurityProvider } from '../compose/security-context';

/** Gives the composer the page's keys, trust, address book and the S/MIME worker. */
export function ComposeSecurityWiring({ children }: { children: ReactNode }) {
  const { sources, trust } = useSecurityStores();
  const value: ComposeSecurity = {
    ...sources,
    signingFormat: () => trust.policy().defaultSigningFormat,
  };
  return <ComposeSecurityProvider value={value}>{children}</ComposeSecurityProvider>;
}
