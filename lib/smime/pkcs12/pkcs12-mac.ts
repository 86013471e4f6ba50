// The PKCS#12 integrity MAC (RFC 7292 section 4 and appendix B): HMAC over the AuthenticatedSafe
// bytes, keyed by the PKCS#12 KDF with id 3 and the MAC's own hash.
import * as asn1js from 'asn1js';
import { hmac } from '@noble/hashes/hmac.js';
import { sha1 } from '@noble/hashes/legacy.js';
import { sha256, sha384, sha512 } from '@noble/hashes/sha2.js';

import { SmimeError } from '../errors';
import { pkcs12KdfBytes } from '../legacy/pkcs12-kdf';
import { LIMITS } from '../limits';
import { OID } from '../oids';
import type { HashName } from '../web-crypto';
import { algorithm, octetBytes, sequenceItems, unsignedInteger } from './der-fields';

const MAC_HASHES: Record<string, { name: HashName; hash: typeof sha256; label: string }> = {
  [OID.sha1]: { name: 'SHA-1', hash: sha1, label: 'hmac-sha1' },
  [OID.sha256]: { name: 'SHA-256', hash: sha256, label: 'hmac-sha256' },
  [OID.sha384]: { name: 'SHA-384', hash: sha384, label: 'hmac-sha384' },
  [OID.sha512]: { name: 'SHA-512', hash: sha512, label: 'hmac-sha512' },
};

export interface Pkcs12Mac {
  /** e.g. "hmac-sha256" */
  label: string;
  iterations: number;
  /** Whether the MAC checks out over `data` with this password encoding. */
  verify(data: Uint8Array, password: Uint8Array): boolean;
}

/** MacData ::= SEQUENCE { mac DigestInfo, macSalt OCTET STRING, iterations INTEGER DEFAULT 1 } */
export function readMac(node: asn1js.AsnType): Pkcs12Mac {
  const [digestInfo, saltNode, iterationsNode] = sequenceItems(node, 'MAC', 2, 3);
  const [digestAlgorithm, digestNode] = sequenceItems(digestInfo, 'MAC digest', 2, 2);
  const { oid } = algorithm(digestAlgorithm, 'MAC algorithm');
  const hash = MAC_HASHES[oid];
  if (!hash) throw new SmimeError('unsupported-algorithm', `The PKCS#12 file's MAC uses ${oid}, which is not supported.`);
  const expected = octetBytes(digestNode, 'MAC value');
  const salt = octetBytes(saltNode, 'MAC salt');
  const iterations = iterationsNode ? unsignedInteger(iterationsNode, 'MAC iterations') : 1;
  if (iterations > LIMITS.keyDerivationIterations) {
    throw new SmimeError('limit-exceeded', `Key derivation with over ${LIMITS.keyDerivationIterations} iterations is refused.`);
  }
  return {
    label: hash.label,
    iterations,
    verify(data, password) {
      const outputLength = hash.hash.outputLen;
      const key = pkcs12KdfBytes(hash.name, password, salt, iterations, 3, outputLength);
      const actual = hmac(hash.hash, key, data);
      if (actual.length !== expected.length) return false;
      let difference = 0;
      for (let i = 0; i < actual.length; i++) difference |= actual[i]! ^ expected[i]!;
      return difference === 0;
    },
  };
}

/** MacData for what we write: HMAC-SHA256, a 16-byte salt, the given iteration count. */
export function writeMac(data: Uint8Array, password: Uint8Array, iterations: number, salt: Uint8Array): asn1js.Sequence {
  const key = pkcs12KdfBytes('SHA-256', password, salt, iterations, 3, 32);
  return new asn1js.Sequence({
    value: [
      new asn1js.Sequence({
        value: [
          new asn1js.Sequence({ value: [new asn1js.ObjectIdentifier({ value: OID.sha256 }), new asn1js.Null()] }),
          new asn1js.OctetString({ valueHex: hmac(sha256, key, data) }),
        ],
      }),
      new asn1js.OctetString({ valueHex: salt }),
      new asn1js.Integer({ value: iterations }),
    ],
  });
}
