import { type SmimeWorkerClient, createSmimeWorkerClient } from '@/lib/smime-worker';

import type { CardStore } from './card-store';
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
 *
 * A connected smart card (stores/card-store.ts, optional) adds to the soft keys: its identities
 * come first for reading (a locked keystore still hides the soft ones: the reader offers to
 * unlock), the card identity chosen for signing wins for the addresses it names, and the soft
 * encryption certificate comes before the card's.
 */
export function securitySources(stores: { identities: IdentityStore; certbook: CertbookStore; trust: TrustStore; card?: CardStore }): SecuritySources {
  const keys = () => stores.identities.getState();
  const book = () => stores.certbook.getState();
  const card = () => stores.card?.getState();
  return {
    identities: {
      identitiesForReading: async () => [...(card()?.identitiesForReading() ?? []), ...(await keys().identitiesForReading())],
      signingIdentity: async (address) => card()?.signingIdentity(address) ?? keys().signingIdentity(address),
      ownEncryptionCertificate: async (address) => (await keys().ownEncryptionCertificate(address)) ?? card()?.encryptionCertificate(address) ?? null,
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
