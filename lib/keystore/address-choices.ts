// Which identity signs, and whose certificate encrypts (to self), for a sending address: the
// user's choice when it still exists, else the newest identity valid now whose certificate names
// the address and whose key can do the job.
import type { KeyKind } from '@/lib/smime/keys/key-operations';

export type IdentityPurpose = 'signing' | 'encryption';

/** What choosing needs to know of an identity. */
export interface ChoosableIdentity {
  id: string;
  addresses: string[];
  keyKind: KeyKind;
  notBefore: Date;
  notAfter: Date;
}

/** The user's choices for one sending address; null: the default. */
export interface AddressPreference {
  address: string;
  signingId: string | null;
  encryptionId: string | null;
}

const CAN: Record<IdentityPurpose, KeyKind[]> = { signing: ['rsa', 'ec', 'ed25519'], encryption: ['rsa', 'ec', 'x25519'] };

export const sameAddress = (a: string, b: string) => a.trim().toLowerCase() === b.trim().toLowerCase();

/** Identities that may be chosen for this address and purpose (validity not required: the user may pick an old one). */
export function candidatesFor<T extends ChoosableIdentity>(identities: T[], address: string, purpose: IdentityPurpose): T[] {
  return identities.filter((identity) => CAN[purpose].includes(identity.keyKind) && identity.addresses.some((a) => sameAddress(a, address)));
}

export function defaultFor<T extends ChoosableIdentity>(identities: T[], address: string, purpose: IdentityPurpose, now = new Date()): T | null {
  const valid = candidatesFor(identities, address, purpose).filter((i) => i.notBefore <= now && now <= i.notAfter);
  return valid.sort((a, b) => b.notBefore.getTime() - a.notBefore.getTime())[0] ?? null;
}

export function chosenFor<T extends ChoosableIdentity>(
  identities: T[],
  preference: AddressPreference | undefined,
  address: string,
  purpose: IdentityPurpose,
  now = new Date(),
): T | null {
  const id = purpose === 'signing' ? preference?.signingId : preference?.encryptionId;
  const chosen = id ? candidatesFor(identities, address, purpose).find((i) => i.id === id) : undefined;
  return chosen ?? defaultFor(identities, address, purpose, now);
}
