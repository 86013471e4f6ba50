import { describe, expect, it } from 'vitest';

import type { Identity } from '../smime';
import { trackDecryptingIdentities } from './decrypting-identities';

describe('trackDecryptingIdentities', () => {
  it('notes which identities ran a private-key operation, in order, each once', async () => {
    const make = (name: string): Identity =>
      ({
        certificate: { name } as unknown as Identity['certificate'],
        key: { kind: 'rsa', decryptKeyTransport: async () => new Uint8Array([name.length]), sign: async () => new Uint8Array() },
      }) as Identity;
    const [a, b, c] = [make('a'), make('bb'), make('ccc')];
    const tracker = trackDecryptingIdentities([a, b, c]);
    expect(tracker.used()).toEqual([]);
    expect(await tracker.identities[1]!.key.decryptKeyTransport!(new Uint8Array(), { padding: 'oaep', hash: 'SHA-256' })).toEqual(new Uint8Array([2]));
    await tracker.identities[0]!.key.decryptKeyTransport!(new Uint8Array(), { padding: 'oaep', hash: 'SHA-256' });
    await tracker.identities[1]!.key.decryptKeyTransport!(new Uint8Array(), { padding: 'oaep', hash: 'SHA-256' });
    await tracker.identities[2]!.key.sign!(new Uint8Array(), { scheme: 'ed25519' });
    expect(tracker.used()).toEqual([b, a]);
    expect(tracker.identities[2]!.key.deriveSharedSecret).toBeUndefined();
  });
});
