'use client';

import { type ReactNode, createContext, useContext } from 'react';

import type { ComposeSmime } from '@/lib/compose/build-protected';
import type { readMessage } from '@/lib/smime';
import type { CertificateSource, IdentitySource, TrustSource } from '@/stores/security-contracts';

/**
 * What the composer needs to sign and encrypt: the user's keys, trust settings and policy, the
 * certificate address book, and optionally the S/MIME operations and reading (a Web Worker
 * client; lib/smime on the page when absent). Without it the composer sends as before: no Sign or Encrypt toggles.
 */
export interface ComposeSecurity {
  identities: IdentitySource;
  trust: TrustSource;
  certificates: CertificateSource;
  smime?: ComposeSmime;
  /** Opens an encrypted draft or the original of a reply (the worker's readMessage; lib/smime on the page when absent). */
  read?: typeof readMessage;
  /** The user's signing format setting; the policy's default when absent. */
  signingFormat?: () => 'clear' | 'opaque';
  /** The user's Sign and Encrypt defaults for new messages (the policy still forces what it requires). */
  defaults?: () => { sign: boolean; encrypt: boolean };
}

const ComposeSecurityContext = createContext<ComposeSecurity | null>(null);

/** Gives every composer below it the security sources (the lead wires it around the mail view). */
export function ComposeSecurityProvider({ value, children }: { value: ComposeSecurity | null; children: ReactNode }) {
  return <ComposeSecurityContext.Provider value={value}>{children}</ComposeSecurityContext.Provider>;
}

/** The security sources, null when none are provided (the composer is then inert about S/MIME). */
export function useComposeSecurity(): ComposeSecurity | null {
  return useContext(ComposeSecurityContext);
}
