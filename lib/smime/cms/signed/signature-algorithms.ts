// Signature algorithms of a SignerInfo (RFC 5652 5.3, RFC 3370, 4056, 5754, 5758, 8419), read into
// the SignatureScheme the key operations speak, and written for our own signatures.
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';

import { SmimeError } from '../../errors';
import type { KeyOperations, SignatureScheme } from '../../keys/key-operations';
import { OID } from '../../oids';
import type { HashName } from '../../web-crypto';
import { digestAlgorithmIdentifier, digestNameOf, hashOid, isComputableHash } from './digest-algorithms';

const RSA_PKCS1_HASH: Record<string, HashName> = {
  [OID.sha1WithRsa]: 'SHA-1',
  [OID.sha256WithRsa]: 'SHA-256',
  [OID.sha384WithRsa]: 'SHA-384',
  [OID.sha512WithRsa]: 'SHA-512',
};

const ECDSA_HASH: Record<string, HashName> = {
  [OID.ecdsaWithSha1]: 'SHA-1',
  [OID.ecdsaWithSha256]: 'SHA-256',
  [OID.ecdsaWithSha384]: 'SHA-384',
  [OID.ecdsaWithSha512]: 'SHA-512',
};

const HASH_BYTES: Record<HashName, number> = { 'SHA-1': 20, 'SHA-256': 32, 'SHA-384': 48, 'SHA-512': 64 };

const unsupported = (what: string): never => {
  throw new SmimeError('unsupported-algorithm', `The signature uses ${what}, which is not supported.`);
};

/**
 * The scheme a SignerInfo's signatureAlgorithm names. rsaEncryption and id-ecPublicKey name only
 * the key type: their hash is the SignerInfo's digestAlgorithm (RFC 3370 3.2, RFC 5753 7.1.1).
 */
export function signatureSchemeOf(signatureAlgorithm: pkijs.AlgorithmIdentifier, digestName: string): SignatureScheme {
  const oid = signatureAlgorithm.algorithmId;
  const digestHash = (): HashName => (isComputableHash(digestName) ? digestName : unsupported(`the digest ${digestName}`));
  if (oid === OID.rsaEncryption) return { scheme: 'rsa-pkcs1', hash: digestHash() };
  if (oid in RSA_PKCS1_HASH) return { scheme: 'rsa-pkcs1', hash: RSA_PKCS1_HASH[oid]! };
  if (oid === OID.ecPublicKey) return { scheme: 'ecdsa', hash: digestHash() };
  if (oid in ECDSA_HASH) return { scheme: 'ecdsa', hash: ECDSA_HASH[oid]! };
  if (oid === OID.ed25519) return { scheme: 'ed25519' };
  if (oid === OID.rsassaPss) return pssScheme(signatureAlgorithm.algorithmParams as asn1js.AsnType | undefined);
  return unsupported(`the algorithm ${oid}`);
}

// RSASSA-PSS-params (RFC 4055 3.1). WebCrypto verifies only MGF1 with the signature's own hash and
// needs the exact salt length, which the parameters state (OpenSSL's "max" salt included).
function pssScheme(parameters: asn1js.AsnType | undefined): SignatureScheme {
  let params: pkijs.RSASSAPSSParams;
  try {
    params = parameters && !(parameters instanceof asn1js.Null) ? new pkijs.RSASSAPSSParams({ schema: parameters }) : new pkijs.RSASSAPSSParams();
  } catch {
    throw new SmimeError('malformed-cms', 'The RSA-PSS parameters of the signature cannot be read.');
  }
  const hash = digestNameOf(params.hashAlgorithm.algorithmId);
  if (!isComputableHash(hash)) return unsupported(`RSA-PSS with the digest ${hash}`);
  const mgf = params.maskGenAlgorithm;
  let mgfHash: string | null = null;
  try {
    mgfHash = mgf.algorithmId === OID.mgf1 ? new pkijs.AlgorithmIdentifier({ schema: mgf.algorithmParams }).algorithmId : null;
  } catch {
    mgfHash = null;
  }
  if (mgfHash === null || digestNameOf(mgfHash) !== hash) return unsupported('RSA-PSS with a mask generation function other than MGF1 over the same hash');
  if (params.trailerField !== 1) return unsupported('RSA-PSS with an unusual trailer field');
  if (!Number.isSafeInteger(params.saltLength) || params.saltLength < 0) throw new SmimeError('malformed-cms', 'The RSA-PSS salt length is not valid.');
  return { scheme: 'rsa-pss', hash, saltLength: params.saltLength };
}

/** "rsa-pkcs1-sha256", "rsa-pss-sha256", "ecdsa-p256-sha256" ("ecdsa-sha256" with no key at hand), "ed25519". */
export function algorithmName(scheme: SignatureScheme, curve?: string): string {
  const hash = 'hash' in scheme ? scheme.hash.toLowerCase().replace('-', '') : '';
  switch (scheme.scheme) {
    case 'rsa-pkcs1':
      return `rsa-pkcs1-${hash}`;
    case 'rsa-pss':
      return `rsa-pss-${hash}`;
    case 'ecdsa':
      return curve ? `ecdsa-${curve.toLowerCase().replace('-', '')}-${hash}` : `ecdsa-${hash}`;
    case 'ed25519':
      return 'ed25519';
  }
}

export interface SigningAlgorithms {
  scheme: SignatureScheme;
  digestAlgorithm: asn1js.Sequence;
  signatureAlgorithm: asn1js.Sequence;
}

/** What we write for a key: rsaEncryption (what OpenSSL and most mailers write), RSASSA-PSS with salt = hash length (RFC 4056 3.1), ecdsa-with-SHAx, id-Ed25519 (RFC 8419). */
export function signingAlgorithms(key: KeyOperations, hash: HashName, rsaPss: boolean): SigningAlgorithms {
  const algorithm = (oid: string, parameters?: asn1js.AsnType) =>
    new asn1js.Sequence({ value: [new asn1js.ObjectIdentifier({ value: oid }), ...(parameters ? [parameters] : [])] });
  switch (key.kind) {
    case 'rsa': {
      if (!rsaPss) return { scheme: { scheme: 'rsa-pkcs1', hash }, digestAlgorithm: digestAlgorithmIdentifier(hash), signatureAlgorithm: algorithm(OID.rsaEncryption, new asn1js.Null()) };
      const hashAlgorithm = () => algorithm(hashOid(hash), new asn1js.Null());
      const params = new asn1js.Sequence({
        value: [
          new asn1js.Constructed({ idBlock: { tagClass: 3, tagNumber: 0 }, value: [hashAlgorithm()] }),
          new asn1js.Constructed({ idBlock: { tagClass: 3, tagNumber: 1 }, value: [algorithm(OID.mgf1, hashAlgorithm())] }),
          new asn1js.Constructed({ idBlock: { tagClass: 3, tagNumber: 2 }, value: [new asn1js.Integer({ value: HASH_BYTES[hash] })] }),
        ],
      });
      return { scheme: { scheme: 'rsa-pss', hash, saltLength: HASH_BYTES[hash] }, digestAlgorithm: digestAlgorithmIdentifier(hash), signatureAlgorithm: algorithm(OID.rsassaPss, params) };
    }
    case 'ec': {
      const oid = { 'SHA-1': OID.ecdsaWithSha1, 'SHA-256': OID.ecdsaWithSha256, 'SHA-384': OID.ecdsaWithSha384, 'SHA-512': OID.ecdsaWithSha512 }[hash];
      return { scheme: { scheme: 'ecdsa', hash }, digestAlgorithm: digestAlgorithmIdentifier(hash), signatureAlgorithm: algorithm(oid) };
    }
    case 'ed25519':
      return { scheme: { scheme: 'ed25519' }, digestAlgorithm: digestAlgorithmIdentifier('SHA-512'), signatureAlgorithm: algorithm(OID.ed25519) };
    case 'x25519':
      throw new SmimeError('invalid-argument', 'An X25519 key cannot sign.');
  }
}
