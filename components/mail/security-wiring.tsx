'use client';

import { type ReactNode, useMemo } from 'react';

import { effectiveSendDefaults, readSendPreferences } from '@/lib/compose/send-preferences';
import { DEFAULT_SECURITY_POLICY } from '@/lib/policy/security-policy';
import { useSecurityStores } from '@/stores/security-stores-provider';

import { type ComposeSecurity, ComposeSecurityProvider } from '../compose/security-context';
import { currentPolicy } from '../compose/use-security-choices';

/**
 * Gives the composer the page's keys, trust, address book, the S/MIME worker and the user's
 * sending defaults (Settings → Sending). The organisation's policy may still be loading: the
 * composer waits for it before it protects a message (use-security-choices.ts), and the defaults
 * here never throw meanwhile.
 */
export function ComposeSecurityWiring({ children }: { children: ReactNode }) {
  const { sources, trust, email } = useSecurityStores();
  const value = useMemo((): ComposeSecurity => {
    const defaults = () => effectiveSendDefaults(readSendPreferences(globalThis.localStorage, email), currentPolicy(trust) ?? DEFAULT_SECURITY_POLICY);
    // Opening an encrypted original for a reply or a draft is as heavy as reading it: the worker does it.
    const read: ComposeSecurity['read'] = (raw, context) => sources.smime.readMessage(raw, context);
    return { ...sources, read, defaults, signingFormat: () => defaults().signingFormat };
  }, [sources, trust, email]);
  return <ComposeSecurityProvider value={value}>{children}</ComposeSecurityProvider>;
}
