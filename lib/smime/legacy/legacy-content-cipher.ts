// The legacy CMS content ciphers (RFC 3370 sections 5.1 and 5.2) we still decrypt: DES-EDE3-CBC and
// RC2-CBC with 40, 64 or 128 effective key bits. Old mail and old tools send them; we never do.
import * as asn1js from 'asn1js';
import type * as pkijs from 'pkijs';

import { SmimeError } from '../errors';
import { OID } from '../oids';

export interface LegacyContentCipher {
  name: 'des-ede3-cbc' | 'rc2-40' | 'rc2-64' | 'rc2-128';
  keyLength: number;
  /** The cipher code itself is loaded on first use: only old mail needs it. */
  decrypt(key: Uint8Array, ciphertext: Uint8Array): Promise<Uint8Array>;
}

// RFC 2268 section 6: RC2Version encodes the effective key bits; these are the three in use.
const RC2_VERSIONS: Record<number, { name: 'rc2-40' | 'rc2-64' | 'rc2-128'; bits: number }> = {
  160: { name: 'rc2-40', bits: 40 },
  120: { name: 'rc2-64', bits: 64 },
  58: { name: 'rc2-128', bits: 128 },
};

/**
 * For a CMS contentEncryptionAlgorithm (des-ede3-cbc 1.2.840.113549.3.7 with an 8-byte IV OCTET
 * STRING; rc2-cbc 1.2.840.113549.3.2 with RC2CBCParameter {version INTEGER OPTIONAL, iv}, versions
 * 160/120/58 -> 40/64/128 effective bits), the cipher; null when the algorithm is not a legacy one.
 * Bad parameters -> 'malformed-cms'. RC2 with other effective key lengths, including the 32 bits
 * RFC 2268 gives a missing version (OpenSSL refuses those too) -> 'unsupported-algorithm'.
 */
export function legacyContentCipher(algorithm: pkijs.AlgorithmIdentifier): LegacyContentCipher | null {
  const params = algorithm.algorithmParams as asn1js.AsnType | undefined;
  if (algorithm.algorithmId === OID.desEde3Cbc) {
    const iv = octets(params);
    if (!iv || iv.length !== 8) throw malformed('DES-EDE3-CBC');
    return { name: 'des-ede3-cbc', keyLength: 24, decrypt: async (key, ciphertext) => (await import('./des-ede3')).decryptDesEde3Cbc(checkedKey(key, 24), iv, ciphertext) };
  }
  if (algorithm.algorithmId === OID.rc2Cbc) {
    const { version, iv } = rc2Parameter(params);
    const variant = version === null ? undefined : RC2_VERSIONS[version];
    if (!variant) {
      const bits = version === null ? 32 : version >= 256 ? version : 'other';
      throw new SmimeError('unsupported-algorithm', `RC2 with ${bits} effective key bits is not supported.`);
    }
    const keyLength = variant.bits / 8;
    return { name: variant.name, keyLength, decrypt: async (key, ciphertext) => (await import('./rc2')).decryptRc2Cbc(checkedKey(key, keyLength), variant.bits, iv, ciphertext) };
  }
  return null;
}

/** RC2CBCParameter ::= SEQUENCE { rc2ParameterVersion INTEGER OPTIONAL, iv OCTET STRING (SIZE(8)) }, or a bare IV. */
function rc2Parameter(params: asn1js.AsnType | undefined): { version: number | null; iv: Uint8Array } {
  const bare = octets(params);
  if (bare) {
    if (bare.length !== 8) throw malformed('RC2-CBC');
    return { version: null, iv: bare };
  }
  if (!(params instanceof asn1js.Sequence)) throw malformed('RC2-CBC');
  const items = params.valueBlock.value;
  const [first, second] = items;
  const iv = octets(items.length === 2 ? second : first);
  if (!iv || iv.length !== 8 || items.length > 2 || items.length === 0) throw malformed('RC2-CBC');
  if (items.length === 1) return { version: null, iv };
  if (!(first instanceof asn1js.Integer) || first.valueBlock.valueHexView.length > 4 || first.valueBlock.isHexOnly) throw malformed('RC2-CBC');
  const version = first.valueBlock.valueDec;
  if (version < 0) throw malformed('RC2-CBC');
  return { version, iv };
}

function octets(value: asn1js.AsnType | undefined): Uint8Array | null {
  if (!(value instanceof asn1js.OctetString) || value.valueBlock.isConstructed) return null;
  return new Uint8Array(value.valueBlock.valueHexView);
}

function checkedKey(key: Uint8Array, length: number): Uint8Array {
  // A content key of the wrong length is a failed key decryption: the same one answer.
  if (key.length !== length) throw new SmimeError('decryption-failed', 'The message could not be decrypted.');
  return key;
}

function malformed(cipher: string): SmimeError {
  return new SmimeError('malformed-cms', `The ${cipher} parameters are not valid.`);
}
