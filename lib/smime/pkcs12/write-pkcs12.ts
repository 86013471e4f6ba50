// Writing a PKCS#12 file the way current software reads best (OpenSSL 3, NSS, Windows 10 1709+,
// macOS 15): every key and all certificates under PBES2 with PBKDF2-HMAC-SHA256 and AES-256-CBC,
// integrity by HMAC-SHA256 (RFC 7292 section 4), each key tied to its certificate by a localKeyId
// (the certificate's SHA-1, as OpenSSL writes it).
import * as asn1js from 'asn1js';
import type * as pkijs from 'pkijs';

import { toDer } from '../asn1/parse-der';
import { SmimeError } from '../errors';
import { describePkcs8 } from '../keys/soft-key';
import { bmpPassword } from '../legacy/pkcs12-kdf';
import { LIMITS } from '../limits';
import { OID } from '../oids';
import { digest, webCrypto } from '../web-crypto';
import { certificateForKey } from './key-certificate-match';
import { encryptPbes2 } from './password-based-encryption';
import { writeMac } from './pkcs12-mac';
import { toHex } from '../../bytes';

export interface Pkcs12Entry {
  pkcs8: Uint8Array;
  certificate: pkijs.Certificate;
  /** Issuers to store alongside (intermediates, optionally the root). */
  chain?: pkijs.Certificate[];
  friendlyName?: string;
}

/**
 * PBKDF2 and MAC iterations when the caller gives none: OWASP's 2023 figure for PBKDF2-HMAC-SHA256.
 * The MAC gets the same count, or it would be the cheaper way to test passwords. OpenSSL 3's own
 * default (2,048) is far weaker; this stays under LIMITS.keyDerivationIterations, so we read it back.
 */
export const DEFAULT_PKCS12_ITERATIONS = 600_000;

export async function writePkcs12(entries: Pkcs12Entry[], password: string, options: { iterations?: number } = {}): Promise<Uint8Array> {
  const unknown = Object.keys(options).filter((name) => name !== 'iterations');
  if (unknown.length) throw new SmimeError('invalid-argument', `Unknown PKCS#12 option: ${unknown.join(', ')}.`);
  const iterations = options.iterations ?? DEFAULT_PKCS12_ITERATIONS;
  if (!Number.isSafeInteger(iterations) || iterations < 1 || iterations > LIMITS.keyDerivationIterations) {
    throw new SmimeError('invalid-argument', `The iteration count must be between 1 and ${LIMITS.keyDerivationIterations}.`);
  }
  if (entries.length === 0) throw new SmimeError('invalid-argument', 'A PKCS#12 file needs at least one key and certificate.');

  const keyBags: asn1js.Sequence[] = [];
  const certificateBags: asn1js.Sequence[] = [];
  const written = new Set<string>();
  const addCertificate = (certificate: pkijs.Certificate, attributes: asn1js.Sequence[]) => {
    const der = toDer(certificate.toSchema());
    const id = toHex(der);
    if (written.has(id)) return;
    written.add(id);
    certificateBags.push(safeBag(OID.certBag, certBag(der), attributes));
  };

  for (const entry of entries) {
    if ((await certificateForKey(entry.pkcs8, describePkcs8(entry.pkcs8), [entry.certificate])) === null) {
      throw new SmimeError('invalid-argument', 'A private key does not belong to the certificate it is paired with.');
    }
    const localKeyId = await digest('SHA-1', toDer(entry.certificate.toSchema()));
    const attributes = [
      ...(entry.friendlyName === undefined ? [] : [attribute(OID.friendlyName, new asn1js.BmpString({ value: entry.friendlyName }))]),
      attribute(OID.localKeyId, new asn1js.OctetString({ valueHex: localKeyId })),
    ];
    const shrouded = await encryptPbes2(entry.pkcs8, password, iterations);
    keyBags.push(safeBag(OID.pkcs8ShroudedKeyBag, new asn1js.Sequence({ value: [shrouded.algorithm, new asn1js.OctetString({ valueHex: shrouded.ciphertext })] }), attributes));
    addCertificate(entry.certificate, attributes);
    for (const issuer of entry.chain ?? []) addCertificate(issuer, []);
  }

  const certificates = await encryptPbes2(toDer(new asn1js.Sequence({ value: certificateBags })), password, iterations);
  // EncryptedData ::= SEQUENCE { version 0, EncryptedContentInfo { contentType data, algorithm, [0] IMPLICIT ciphertext } }
  const encryptedData = new asn1js.Sequence({
    value: [
      new asn1js.Integer({ value: 0 }),
      new asn1js.Sequence({
        value: [new asn1js.ObjectIdentifier({ value: OID.data }), certificates.algorithm, new asn1js.Primitive({ idBlock: { tagClass: 3, tagNumber: 0 }, valueHex: certificates.ciphertext })],
      }),
    ],
  });
  const authenticatedSafe = toDer(
    new asn1js.Sequence({
      value: [contentInfo(OID.encryptedData, encryptedData), contentInfo(OID.data, new asn1js.OctetString({ valueHex: toDer(new asn1js.Sequence({ value: keyBags })) }))],
    }),
  );
  const macSalt = webCrypto().getRandomValues(new Uint8Array(16));
  return toDer(
    new asn1js.Sequence({
      value: [
        new asn1js.Integer({ value: 3 }),
        contentInfo(OID.data, new asn1js.OctetString({ valueHex: authenticatedSafe })),
        writeMac(authenticatedSafe, bmpPassword(password), iterations, macSalt),
      ],
    }),
  );
}


const explicit = (value: asn1js.AsnType) => new asn1js.Constructed({ idBlock: { tagClass: 3, tagNumber: 0 }, value: [value] });

function contentInfo(type: string, content: asn1js.AsnType): asn1js.Sequence {
  return new asn1js.Sequence({ value: [new asn1js.ObjectIdentifier({ value: type }), explicit(content)] });
}

function attribute(type: string, value: asn1js.AsnType): asn1js.Sequence {
  return new asn1js.Sequence({ value: [new asn1js.ObjectIdentifier({ value: type }), new asn1js.Set({ value: [value] })] });
}

function safeBag(type: string, value: asn1js.AsnType, attributes: asn1js.Sequence[]): asn1js.Sequence {
  return new asn1js.Sequence({
    value: [new asn1js.ObjectIdentifier({ value: type }), explicit(value), ...(attributes.length ? [new asn1js.Set({ value: attributes })] : [])],
  });
}

function certBag(der: Uint8Array): asn1js.Sequence {
  return new asn1js.Sequence({ value: [new asn1js.ObjectIdentifier({ value: OID.x509Certificate }), explicit(new asn1js.OctetString({ valueHex: der }))] });
}
