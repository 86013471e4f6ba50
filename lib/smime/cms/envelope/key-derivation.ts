// Key-encryption keys from a key-agreement shared secret Z: the ANSI X9.63 KDF of RFC 5753
// section 7.2 (ECDH) and HKDF of RFC 8418 section 2.2 (X25519), both over the DER of
// ECC-CMS-SharedInfo. @noble/hashes gives the X9.63 loop every hash it needs (WebCrypto has no
// SHA-224); HKDF is WebCrypto's.
import { sha1 } from '@noble/hashes/legacy.js';
import { sha224, sha256, sha384, sha512 } from '@noble/hashes/sha2.js';

import { ownBuffer, webCrypto } from '../../web-crypto';
import { concatBytes } from '../../../bytes';

export type KdfHash = 'SHA-1' | 'SHA-224' | 'SHA-256' | 'SHA-384' | 'SHA-512';

const HASH_FUNCTIONS: Record<KdfHash, (data: Uint8Array) => Uint8Array> = {
  'SHA-1': sha1,
  'SHA-224': sha224,
  'SHA-256': sha256,
  'SHA-384': sha384,
  'SHA-512': sha512,
};

/** A DER TLV with a definite length. */
export function derTlv(tag: number, content: Uint8Array): Uint8Array {
  const n = content.length;
  const length = n < 0x80 ? [n] : n < 0x100 ? [0x81, n] : n < 0x10000 ? [0x82, n >> 8, n & 0xff] : [0x83, n >> 16, (n >> 8) & 0xff, n & 0xff];
  return concatBytes(new Uint8Array([tag, ...length]), content);
}

/**
 * ECC-CMS-SharedInfo ::= SEQUENCE { keyInfo AlgorithmIdentifier, entityUInfo [0] EXPLICIT OCTET
 * STRING OPTIONAL, suppPubInfo [2] EXPLICIT OCTET STRING } (RFC 5753 section 7.2). keyInfo is the
 * key-wrap AlgorithmIdentifier exactly as the message encodes it; entityUInfo is the ukm and is
 * left out, not written empty, when there is none (the pkijs bug #335); suppPubInfo is the KEK
 * length in bits as four big-endian bytes.
 */
export function eccCmsSharedInfo(keyWrapAlgorithmDer: Uint8Array, ukm: Uint8Array | undefined, kekLength: number): Uint8Array {
  const bits = kekLength * 8;
  const suppPubInfo = new Uint8Array([(bits >>> 24) & 0xff, (bits >>> 16) & 0xff, (bits >>> 8) & 0xff, bits & 0xff]);
  return derTlv(
    0x30,
    concatBytes(keyWrapAlgorithmDer, ukm ? derTlv(0xa0, derTlv(0x04, ukm)) : new Uint8Array(0), derTlv(0xa2, derTlv(0x04, suppPubInfo))),
  );
}

/** ANSI X9.63 KDF (SEC 1 section 3.6.1): Hash(Z || counter || SharedInfo) for counter = 1, 2, ... */
export function x963Kdf(hash: KdfHash, z: Uint8Array, sharedInfo: Uint8Array, length: number): Uint8Array {
  const h = HASH_FUNCTIONS[hash];
  const blocks: Uint8Array[] = [];
  let produced = 0;
  for (let counter = 1; produced < length; counter++) {
    const block = h(concatBytes(z, new Uint8Array([counter >>> 24, (counter >>> 16) & 0xff, (counter >>> 8) & 0xff, counter & 0xff]), sharedInfo));
    blocks.push(block);
    produced += block.length;
  }
  return concatBytes(...blocks).slice(0, length);
}

/** HKDF-SHA256 with no salt and SharedInfo as info (RFC 8418 section 2.2). */
export async function hkdfSha256(z: Uint8Array, sharedInfo: Uint8Array, length: number): Promise<Uint8Array> {
  const subtle = webCrypto().subtle;
  const ikm = await subtle.importKey('raw', ownBuffer(z), 'HKDF', false, ['deriveBits']);
  const params: HkdfParams = { name: 'HKDF', hash: 'SHA-256', salt: new Uint8Array(0), info: ownBuffer(sharedInfo) };
  return new Uint8Array(await subtle.deriveBits(params, ikm, length * 8));
}
