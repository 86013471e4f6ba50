// What the reader and the composer need from the user's keys, trust settings and certificate
// address book, as interfaces: stores/identity-store.ts, stores/trust-store.ts and
// stores/certbook-store.ts implement them; the reader and composer take them as dependencies
// (so tests give fakes) and never reach into IndexedDB or the server themselves.
import type * as pkijs from 'pkijs';

import type { CertificateOrigin } from '@/lib/certbook/certbook-entry';
import type { SecurityPolicy } from '@/lib/policy/security-policy';
import type { Identity, ReadResult, TrustSettings } from '@/lib/smime';

/** The user's own keys (soft keys from PKCS#12 now, smart cards later). */
export interface IdentitySource {
  /** Every identity with a private key, for decrypting (older keys too). Throws KeystoreLockedError (lib/keystore) while the passphrase lock is on. */
  identitiesForReading(): Promise<Identity[]>;
  /** The identity chosen to sign mail from `address`, null when the user has none for it. */
  signingIdentity(address: string): Promise<Identity | null>;
  /** The user's own encryption certificate for `address` (encrypt-to-self, Sent and Drafts), null when none. */
  ownEncryptionCertificate(address: string): Promise<pkijs.Certificate | null>;
  /** Asks the user to unlock the keystore (its passphrase dialog); true once unlocked, false when cancelled. Absent where there is no lock. */
  requestUnlock?(reason?: string): Promise<boolean>;
  /** Identities that need no keystore unlock (a connected smart card): what the reader still tries while the keystore is locked. */
  identitiesOutsideKeystore?(): Identity[];
  /** Calls `listener` when the keys on offer may have changed (keystore unlocked, card connected or removed, slot chosen); returns the unsubscribe function. */
  onChange?(listener: () => void): () => void;
}

/** Trust anchors (organisation's + user's), revocation mode and the relay-backed fetcher with its cache. */
export interface TrustSource {
  trustSettings(options?: { fresh?: boolean }): Promise<TrustSettings>;
  policy(): SecurityPolicy;
}

export type { CertificateOrigin };

/** A correspondent's certificate found for sending, with where it came from. */
export interface RecipientCertificate {
  certificate: pkijs.Certificate;
  origin: CertificateOrigin;
  /** SMIMECapabilities OIDs the correspondent announced (harvested), null when unknown. */
  capabilities: string[] | null;
}

export interface HarvestOutcome {
  /** New or updated entries in the address book. */
  added: number;
  /** A correspondent's key changed unexpectedly: a new key from another issuer while the old one is still valid. */
  keyChangeWarnings: { address: string; message: string }[];
}

/** The certificate address book (harvested, imported, directory) that follows the user. */
export interface CertificateSource {
  /** Certificates held locally, for signatures that do not carry their signer's. */
  knownCertificates(): pkijs.Certificate[];
  /** Candidate certificates to encrypt to `address`: address book first, then the directory. Validity is the caller's check. */
  recipientCertificates(address: string): Promise<RecipientCertificate[]>;
  /** Takes signers' certificates from a read message: only from signatures that verified. */
  harvest(result: ReadResult, fromAddress: string | null): Promise<HarvestOutcome>;
}
