import { type SmimeWorkerClient, createSmimeWorkerClient } from '@/lib/smime-worker';

import type { CertbookStore } from './certbook-store';
import type { IdentityStore } from './identity-store';
import type { CertificateSource, IdentitySource, TrustSource } from './security-contracts';
import type { TrustStore } from './trust-store';

export interface SecuritySources {
  identities: IdentitySource;
  trust: TrustSource;
  certificates: CertificateSource;
  /** lib/smime in a Web Worker (private-key operations stay on the page). */
  smime: SmimeWorkerClient;
}

/**
 * Adapts the security stores to the contracts of stores/security-contracts.ts. Each call reads
 * the store's current state, so a keystore unlocked or an address book loaded later is seen.
 */
export function securitySources(stores: { identities: IdentityStore; certbook: CertbookStore; trust: TrustStore }): SecuritySources {
  const keys = () => stores.identities.getState();
  const book = () => stores.certbook.getState();
  return {
    identities: {
      identitiesForReading: () => keys().identitiesForReading(),
      signingIdentity: (address) => keys().signingIdentity(address),
      ownEncryptionCertificate: (address) => keys().ownEncryptionCertificate(address),
      requestUnlock: (reason) => keys().requestUnlock(reason),
    },
    trust: stores.trust,
    certificates: {
      knownCertificates: () => book().knownCertificates(),
      recipientCertificates: (address) => book().recipientCertificates(address),
      harvest: (result, from) => book().harvest(result, from),
    },
    smime: createSmimeWorkerClient(),
  };
}
