'use client';

import { type ReactNode, useMemo } from 'react';
import { useStore } from 'zustand';

import { effectiveSendDefaults, readSendPreferences } from '@/lib/compose/send-preferences';
import { useSecurityStores } from '@/stores/security-stores-provider';

import { type ComposeSecurity, ComposeSecurityProvider } from '../compose/security-context';

/**
 * Gives the composer the page's keys, trust, address book, the S/MIME worker and the user's
 * sending defaults. Until the organisation's policy has loaded the composer gets nothing (it
 * cannot know what is required), and it is given everything as soon as the policy is there.
 */
export function ComposeSecurityWiring({ children }: { children: ReactNode }) {
  const { sources, trust, email } = useSecurityStores();
  const policyLoaded = useStore(trust.state, (s) => s.policy !== null);
  const value = useMemo((): ComposeSecurity | null => {
    if (!policyLoaded) return null;
    const defaults = () => effectiveSendDefaults(readSendPreferences(globalThis.localStorage, email), trust.policy());
    return { ...sources, signingFormat: () => defaults().signingFormat, defaults };
  }, [policyLoaded, sources, trust, email]);
  return <ComposeSecurityProvider value={value}>{children}</ComposeSecurityProvider>;
}
