import fs from 'node:fs';
import path from 'node:path';

import { describe, expect, it } from 'vitest';

import { DEFAULT_SECURITY_POLICY } from '@/lib/policy/security-policy';

import { createReaderStore } from './reader-store';
import type { CertificateSource, IdentitySource, TrustSource } from './security-contracts';

// The reader with an RFC 9788 header-protected message (the RFC's smime-one-part-hp vector, see
// tests/attacks/header-protection) whose outer Subject and From were rewritten in transit.
const vector = fs.readFileSync(path.join(__dirname, '../tests/attacks/header-protection/fixtures/smime-one-part-hp.eml'), 'latin1');
const tampered = new TextEncoder().encode(
  vector.replace('Subject: smime-one-part-hp', 'Subject: URGENT: new bank details').replace('From: Alice <alice@smime.example>', 'From: Alice <alice@attacker.example>'),
);

async function open(raw: Uint8Array) {
  const harvested: (string | null)[] = [];
  const identities: IdentitySource = { identitiesForReading: async () => [], signingIdentity: async () => null, ownEncryptionCertificate: async () => null };
  const trust: TrustSource = { trustSettings: async () => ({ anchors: [], fetcher: null, revocation: 'off' }), policy: () => DEFAULT_SECURITY_POLICY };
  const certificates: CertificateSource = {
    knownCertificates: () => [],
    recipientCertificates: async () => [],
    async harvest(_result, from) {
      harvested.push(from);
      return { added: 0, keyChangeWarnings: [] };
    },
  };
  const store = createReaderStore({
    fetchSource: async () => raw,
    fetchStructure: async () => {
      throw new Error('not asked for small messages');
    },
    fetchPart: async () => {
      throw new Error('S/MIME is never read part by part');
    },
    smime: { identities, trust, certificates },
  });
  const message = await store.getState().open('INBOX', 1, { size: raw.length });
  return { message, security: store.getState().security, harvested };
}

describe('reader store: RFC 9788 header protection', () => {
  it('shows the protected Subject and From, not the ones rewritten in transit, and says what they read', async () => {
    const { message, security, harvested } = await open(tampered);
    expect(message?.subject).toBe('smime-one-part-hp');
    expect(message?.from).toMatchObject({ name: 'Alice', address: 'alice@smime.example' });
    expect(message?.to.map((a) => a.address)).toEqual(['bob@smime.example']);
    const lines = security?.banner?.lines.map((l) => l.text) ?? [];
    // The headline stays the signature's (the RFC's sample CA is not a trust anchor here).
    expect(lines[0]).toMatch(/^Signed by alice@smime\.example, but the signer is not trusted/);
    expect(lines).toContain('The sender (From) shown is the one the sender protected; in transit it read: “Alice <alice@attacker.example>”.');
    expect(lines).toContain('The subject shown is the one the sender protected; in transit it read: “URGENT: new bank details”.');
    expect(lines.some((l) => l.includes('the message says it is from'))).toBe(false);
    // The address book is told the protected sender, the one the signer was matched with.
    expect(harvested).toEqual(['alice@smime.example']);
  });

  it('adds no header sentence when the outer copies match', async () => {
    const { message, security } = await open(new TextEncoder().encode(vector));
    expect(message?.subject).toBe('smime-one-part-hp');
    expect(security?.banner?.lines.some((l) => l.text.includes('in transit'))).toBe(false);
  });
});
