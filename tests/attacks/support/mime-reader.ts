// The reader store (stores/reader-store.ts) opening one raw message with real lib/smime and fake
// key, trust and address-book sources: what the reading pane would show, and what it harvested.
import { DEFAULT_SECURITY_POLICY } from '@/lib/policy/security-policy';
import type { Identity, ReadResult, TrustSettings } from '@/lib/smime';
import { createReaderStore } from '@/stores/reader-store';
import type { CertificateSource, IdentitySource, TrustSource } from '@/stores/security-contracts';

export async function openInReader(raw: Uint8Array, { identities, trust }: { identities: Identity[]; trust: TrustSettings }) {
  const harvested: { result: ReadResult; from: string | null }[] = [];
  const keys: IdentitySource = {
    identitiesForReading: async () => identities,
    signingIdentity: async () => null,
    ownEncryptionCertificate: async () => null,
  };
  const trustSource: TrustSource = { trustSettings: async () => trust, policy: () => DEFAULT_SECURITY_POLICY };
  const certificates: CertificateSource = {
    knownCertificates: () => [],
    recipientCertificates: async () => [],
    async harvest(result, from) {
      harvested.push({ result, from });
      return { added: 0, keyChangeWarnings: [] };
    },
  };
  const store = createReaderStore({
    fetchSource: async () => raw,
    fetchStructure: async () => {
      throw new Error('a small message is fetched whole');
    },
    fetchPart: async () => {
      throw new Error('a small message is fetched whole');
    },
    smime: { identities: keys, trust: trustSource, certificates },
  });
  const message = await store.getState().open('INBOX', 1, { size: raw.length });
  return { message, security: store.getState().security, harvested };
}
