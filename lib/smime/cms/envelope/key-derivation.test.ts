import { hkdf } from '@noble/hashes/hkdf.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { describe, expect, it } from 'vitest';

import { ownBuffer } from '../../web-crypto';
import { concatBytes } from '../../../bytes';
import { eccCmsSharedInfo, hkdfSha256, x963Kdf } from './key-derivation';

const hex = (s: string) => new Uint8Array(s.match(/../g)!.map((b) => Number.parseInt(b, 16)));
const AES128_WRAP = hex('300b0609608648016503040105');

describe('ECC-CMS-SharedInfo (RFC 5753 section 7.2)', () => {
  it('leaves entityUInfo out when there is no ukm (not an empty [0], the pkijs bug #335)', () => {
    // SEQUENCE { keyInfo, [2] { OCTET STRING 00000080 } }
    expect(eccCmsSharedInfo(AES128_WRAP, undefined, 16)).toEqual(hex('3015' + '300b0609608648016503040105' + 'a206040400000080'));
  });

  it('carries the ukm as [0] EXPLICIT OCTET STRING and the KEK bits as suppPubInfo', () => {
    const ukm = hex('0102030405');
    expect(eccCmsSharedInfo(AES128_WRAP, ukm, 32)).toEqual(hex('301e' + '300b0609608648016503040105' + 'a0070405' + '0102030405' + 'a206040400000100'));
  });
});

describe('key derivation', () => {
  const z = hex('00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff');
  const sharedInfo = eccCmsSharedInfo(AES128_WRAP, undefined, 32);

  it('X9.63 KDF is Hash(Z || counter || SharedInfo), counter from 1, truncated', async () => {
    const block = async (counter: number) =>
      new Uint8Array(await crypto.subtle.digest('SHA-1', ownBuffer(concatBytes(z, new Uint8Array([0, 0, 0, counter]), sharedInfo))));
    const expected = concatBytes(await block(1), await block(2)).slice(0, 32);
    expect(x963Kdf('SHA-1', z, sharedInfo, 32)).toEqual(expected);
    expect(x963Kdf('SHA-224', z, sharedInfo, 16)).toHaveLength(16);
  });

  it('HKDF-SHA256 has no salt and SharedInfo as info (RFC 8418)', async () => {
    expect(await hkdfSha256(z, sharedInfo, 32)).toEqual(hkdf(sha256, z, undefined, sharedInfo, 32));
  });
});
