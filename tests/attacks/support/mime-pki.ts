// A small CA hierarchy for the MIME, identity, key-replacement and backchannel attack tests, made
// by OpenSSL (tests/support/test-pki.ts), and the lib/smime identities and trust settings over it.
// The root is the only trust anchor; "other-ca" is a second, trusted intermediate (another issuer).
import * as pkijs from 'pkijs';

import { type Identity, type TrustSettings, softKeyFromPkcs8 } from '@/lib/smime';

import { type CertSpec, type IssuedCert, type TestPki, createTestPki } from '../../support/test-pki';

export interface AttackPki {
  pki: TestPki;
  /** alice@example.org: the victim whose name attackers borrow. */
  alice: IssuedCert;
  /** eve@evil.example: the attacker, with a certificate as trusted as Alice's. */
  eve: IssuedCert;
  /** bob@example.org: the reader (he holds the decryption key). */
  bob: IssuedCert;
  /** A second, trusted issuing CA (intermediate under the root). */
  otherCa: IssuedCert;
  issue(spec: CertSpec): IssuedCert;
  cleanup(): void;
}

export function createAttackPki(prefix = 'sealpost-attacks-mime-'): AttackPki {
  const pki = createTestPki(prefix);
  return {
    pki,
    alice: pki.issue({ name: 'alice', email: 'alice@example.org' }),
    eve: pki.issue({ name: 'eve', email: 'eve@evil.example' }),
    bob: pki.issue({ name: 'bob', email: 'bob@example.org' }),
    otherCa: pki.issue({ name: 'other-ca', ca: true }),
    issue: (spec) => pki.issue(spec),
    cleanup: () => pki.cleanup(),
  };
}

export const certificateOf = (cert: IssuedCert): pkijs.Certificate => pkijs.Certificate.fromBER(new Uint8Array(cert.certDer));

/** A lib/smime identity; `chain`: intermediates the signature carries. */
export const identityOf = (cert: IssuedCert, chain: IssuedCert[] = []): Identity => ({
  certificate: certificateOf(cert),
  key: softKeyFromPkcs8(cert.keyPkcs8),
  chain: chain.map(certificateOf),
});

/** Only the PKI's root is trusted; no network unless a fetcher is given. */
export function trustOf(pki: AttackPki, overrides: Partial<TrustSettings> = {}): TrustSettings {
  return { anchors: [certificateOf(pki.pki.root)], fetcher: null, revocation: 'off', ...overrides };
}
