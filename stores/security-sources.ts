import type * as pkijs from 'pkijs';

import { signingChain } from '@/lib/smime';
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
 * come first for reading (with the keystore locked the reader still tries them, and offers to
 * unlock only when they do not fit), the card identity chosen for signing wins for the addresses it names, and the soft
 * encryption certificate comes before the card's. A card holds only its own certificate, so its
 * signing identity gets the intermediates up to the trust anchors (address book, AIA through the
 * relay), as a PKCS#12 would carry them: recipients without network can then build the chain.
 */
export function securitySources(stores: { identities: IdentityStore; certbook: CertbookStore; trust: TrustStore; card?: CardStore }): SecuritySources {
  const keys = () => stores.identities.getState();
  const book = () => stores.certbook.getState();
  const card = () => stores.card?.getState();
  const chains = new WeakMap<pkijs.Certificate, Promise<pkijs.Certificate[]>>();
  const chainFor = (certificate: pkijs.Certificate) => {
    let chain = chains.get(certificate);
    if (!chain) {
      // No chain found is no reason not to sign: the recipient can still look for one.
      chain = stores.trust
        .trustSettings()
        .then((trust) => signingChain(certificate, { ...trust, knownCertificates: book().knownCertificates() }))
        .catch(() => []);
      chains.set(certificate, chain);
    }
    return chain;
  };
  return {
    identities: {
      identitiesForReading: async () => [...(card()?.identitiesForReading() ?? []), ...(await keys().identitiesForReading())],
      signingIdentity: async (address) => {
        const fromCard = card()?.signingIdentity(address);
        if (!fromCard) return keys().signingIdentity(address);
        return { ...fromCard, chain: await chainFor(fromCard.certificate) };
      },
      ownEncryptionCertificate: async (address) => (await keys().ownEncryptionCertificate(address)) ?? card()?.encryptionCertificate(address) ?? null,
      requestUnlock: (reason) => keys().requestUnlock(reason),
      identitiesOutsideKeystore: () => card()?.identitiesForReading() ?? [],
      onChange(listener) {
        // Only what changes the keys on offer: not every PIN prompt or problem text.
        const stopKeys = stores.identities.subscribe((now, before) => now !== before && listener());
        const stopCard = stores.card?.subscribe((now, before) => {
          if (now.certificates !== before.certificates || now.signingSlot !== before.signingSlot || now.decryptionSlots !== before.decryptionSlots) listener();
        });
        return () => {
          stopKeys();
          stopCard?.();
        };
      },
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
