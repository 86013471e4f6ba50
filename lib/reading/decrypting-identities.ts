// Which of the user's identities opened an encrypted message: lib/smime's report names the cipher
// but not the recipient key it used, so each identity's key is wrapped to note when its private
// key operation ran (only the identity matching a RecipientInfo is ever asked).
import type { Identity, KeyOperations } from '../smime';

export interface IdentityTracker {
  /** The same identities, with keys that record their use. */
  identities: Identity[];
  /** Identities whose key transport or key agreement ran, in order, each once. */
  used(): Identity[];
}

export function trackDecryptingIdentities(identities: Identity[]): IdentityTracker {
  const used: Identity[] = [];
  const note = (identity: Identity) => {
    if (!used.includes(identity)) used.push(identity);
  };
  const wrapped = identities.map((identity): Identity => {
    const key = identity.key;
    const tracked: KeyOperations = {
      kind: key.kind,
      curve: key.curve,
      modulusBits: key.modulusBits,
      sign: key.sign?.bind(key),
      decryptKeyTransport: key.decryptKeyTransport
        ? async (encryptedKey, padding) => {
            note(identity);
            return key.decryptKeyTransport!(encryptedKey, padding);
          }
        : undefined,
      deriveSharedSecret: key.deriveSharedSecret
        ? async (originatorPublicKey) => {
            note(identity);
            return key.deriveSharedSecret!(originatorPublicKey);
          }
        : undefined,
    };
    return { ...identity, key: tracked };
  });
  return { identities: wrapped, used: () => [...used] };
}
