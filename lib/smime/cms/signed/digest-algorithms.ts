// Digest algorithms by OID, and which of them we can compute (WebCrypto: no MD5, no SHA-224).
import * as asn1js from 'asn1js';

import { OID } from '../../oids';
import type { HashName } from '../../web-crypto';

const NAMES: Record<string, string> = {
  [OID.sha1]: 'SHA-1',
  [OID.sha256]: 'SHA-256',
  [OID.sha384]: 'SHA-384',
  [OID.sha512]: 'SHA-512',
  [OID.md5]: 'MD5',
};

const OIDS: Record<HashName, string> = { 'SHA-1': OID.sha1, 'SHA-256': OID.sha256, 'SHA-384': OID.sha384, 'SHA-512': OID.sha512 };

/** "SHA-256" and friends; the dotted OID itself for digests we do not know. */
export function digestNameOf(oid: string): string {
  return NAMES[oid] ?? oid;
}

export function isComputableHash(name: string): name is HashName {
  return name in OIDS;
}

/** SHA-1 and MD5: collisions are practical, so a signature over them proves little. */
export function isWeakDigest(name: string): boolean {
  return name === 'SHA-1' || name === 'MD5';
}

export function hashOid(hash: HashName): string {
  return OIDS[hash];
}

/** DigestAlgorithmIdentifier with the parameters absent (RFC 5754 section 2). */
export function digestAlgorithmIdentifier(hash: HashName): asn1js.Sequence {
  return new asn1js.Sequence({ value: [new asn1js.ObjectIdentifier({ value: OIDS[hash] })] });
}
