// Checks the signature on a certificate, CRL or OCSP response with the signer's public key, over
// WebCrypto: RSA PKCS#1 v1.5 and PSS, ECDSA, Ed25519 (pkijs cannot do Ed25519, and its engine
// defaults are not ours). SHA-1 and MD5 signatures are refused: no CA may issue them since 2016,
// and a collision there forges a CA certificate.
import { ed25519 } from '@noble/curves/ed25519.js';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';

import { CURVE_BYTES, ecdsaDerToRaw } from '../asn1/ecdsa-signature';
import { LIMITS } from '../limits';
import { OID } from '../oids';
import { ownBuffer, webCrypto, type HashName } from '../web-crypto';
import { bytesEqual } from '../../bytes';

/** The signed bytes as received, the outer signature algorithm and the signature value. */
export interface SignedPart {
  tbs: Uint8Array;
  algorithm: pkijs.AlgorithmIdentifier;
  signature: Uint8Array;
  /** The algorithm repeated inside the signed part (certificates and CRLs); must equal the outer one (RFC 5280 section 4.1.1.2). */
  innerAlgorithm?: pkijs.AlgorithmIdentifier;
}

/** null when the signature verifies; otherwise a sentence saying why not. */
export type SignatureProblem = string | null;

const HASH_BY_OID: Record<string, HashName> = { [OID.sha256]: 'SHA-256', [OID.sha384]: 'SHA-384', [OID.sha512]: 'SHA-512' };
const RSA_PKCS1: Record<string, HashName> = { [OID.sha256WithRsa]: 'SHA-256', [OID.sha384WithRsa]: 'SHA-384', [OID.sha512WithRsa]: 'SHA-512' };
const ECDSA: Record<string, HashName> = { [OID.ecdsaWithSha256]: 'SHA-256', [OID.ecdsaWithSha384]: 'SHA-384', [OID.ecdsaWithSha512]: 'SHA-512' };
const CURVES: Record<string, keyof typeof CURVE_BYTES> = { [OID.p256]: 'P-256', [OID.p384]: 'P-384', [OID.p521]: 'P-521' };
const WEAK = new Set<string>([OID.sha1WithRsa, OID.ecdsaWithSha1, '1.2.840.113549.1.1.4', '1.2.840.113549.1.1.2']);

export function certificateSignedPart(certificate: pkijs.Certificate): SignedPart {
  return {
    tbs: certificate.tbsView,
    algorithm: certificate.signatureAlgorithm,
    signature: certificate.signatureValue.valueBlock.valueHexView,
    innerAlgorithm: certificate.signature,
  };
}

export async function verifySignature(signed: SignedPart, key: pkijs.PublicKeyInfo): Promise<SignatureProblem> {
  const algorithm = signed.algorithm.algorithmId;
  if (signed.innerAlgorithm && !bytesEqual(der(signed.innerAlgorithm), der(signed.algorithm))) {
    return 'The signature algorithm inside the signed part differs from the one outside it.';
  }
  if (WEAK.has(algorithm)) return 'It is signed with SHA-1 or MD5, which are no longer accepted.';
  try {
    const keyOid = key.algorithm.algorithmId;
    if (RSA_PKCS1[algorithm]) {
      if (keyOid !== OID.rsaEncryption) return 'The signer key is not an RSA key.';
      const sizeProblem = rsaSizeProblem(key);
      if (sizeProblem) return sizeProblem;
      return await subtleVerify(rsaSpki(key), { name: 'RSASSA-PKCS1-v1_5', hash: RSA_PKCS1[algorithm] }, { name: 'RSASSA-PKCS1-v1_5' }, signed);
    }
    if (algorithm === OID.rsassaPss) {
      if (keyOid !== OID.rsaEncryption && keyOid !== OID.rsassaPss) return 'The signer key is not an RSA key.';
      const sizeProblem = rsaSizeProblem(key);
      if (sizeProblem) return sizeProblem;
      const pss = pssParameters(signed.algorithm);
      if (typeof pss === 'string') return pss;
      return await subtleVerify(rsaSpki(key), { name: 'RSA-PSS', hash: pss.hash }, { name: 'RSA-PSS', saltLength: pss.saltLength }, signed);
    }
    if (ECDSA[algorithm]) {
      const curve = keyOid === OID.ecPublicKey ? CURVES[(key.algorithm.algorithmParams as asn1js.ObjectIdentifier | undefined)?.valueBlock?.toString?.() ?? ''] : undefined;
      if (!curve) return 'The signer key is not an ECDSA key on P-256, P-384 or P-521.';
      let raw: Uint8Array;
      try {
        raw = ecdsaDerToRaw(signed.signature, CURVE_BYTES[curve]);
      } catch {
        return 'The ECDSA signature value is malformed.';
      }
      return await subtleVerify(spkiDer(key), { name: 'ECDSA', namedCurve: curve }, { name: 'ECDSA', hash: ECDSA[algorithm] }, { ...signed, signature: raw });
    }
    if (algorithm === OID.ed25519) {
      if (keyOid !== OID.ed25519) return 'The signer key is not an Ed25519 key.';
      // RFC 8410 section 3: the parameters MUST be absent.
      if (signed.algorithm.algorithmParams !== undefined) return 'The Ed25519 algorithm identifier carries parameters.';
      return await verifyEd25519(key, signed);
    }
    return `The signature algorithm ${algorithm} is not supported.`;
  } catch {
    return 'The signature could not be checked with the signer key.';
  }
}

function der(value: { toSchema(): { toBER(sizeOnly?: boolean): ArrayBuffer } }): Uint8Array {
  return new Uint8Array(value.toSchema().toBER(false));
}

function spkiDer(key: pkijs.PublicKeyInfo): Uint8Array {
  return new Uint8Array(key.toSchema().toBER(false));
}

/** WebCrypto imports RSA keys only under rsaEncryption: an id-RSASSA-PSS key is relabelled (same key bits). */
function rsaSpki(key: pkijs.PublicKeyInfo): Uint8Array {
  if (key.algorithm.algorithmId === OID.rsaEncryption) return spkiDer(key);
  const relabelled = new pkijs.PublicKeyInfo({
    algorithm: new pkijs.AlgorithmIdentifier({ algorithmId: OID.rsaEncryption, algorithmParams: new asn1js.Null() }),
    subjectPublicKey: key.subjectPublicKey,
  });
  return spkiDer(relabelled);
}

function rsaSizeProblem(key: pkijs.PublicKeyInfo): SignatureProblem {
  const modulus = (key.parsedKey as pkijs.RSAPublicKey | undefined)?.modulus?.valueBlock.valueHexView;
  if (!modulus) return 'The RSA key cannot be read.';
  let start = 0;
  while (start < modulus.length && modulus[start] === 0) start++;
  return (modulus.length - start) * 8 > LIMITS.rsaModulusBits ? `RSA keys over ${LIMITS.rsaModulusBits} bits are refused.` : null;
}

/** RSASSA-PSS-params (RFC 4055 section 3.1): MGF1 with the same hash, trailer field 1. */
function pssParameters(algorithm: pkijs.AlgorithmIdentifier): { hash: HashName; saltLength: number } | string {
  let params: pkijs.RSASSAPSSParams;
  try {
    params = new pkijs.RSASSAPSSParams({ schema: algorithm.algorithmParams });
  } catch {
    return 'The RSA-PSS parameters cannot be read.';
  }
  const hash = HASH_BY_OID[params.hashAlgorithm.algorithmId];
  if (!hash) return 'The RSA-PSS signature uses SHA-1 or an unknown hash.';
  const mgfHash = params.maskGenAlgorithm.algorithmParams
    ? new pkijs.AlgorithmIdentifier({ schema: params.maskGenAlgorithm.algorithmParams }).algorithmId
    : OID.sha1;
  if (params.maskGenAlgorithm.algorithmId !== OID.mgf1 || mgfHash !== params.hashAlgorithm.algorithmId) {
    return 'The RSA-PSS signature uses a mask generation other than MGF1 with its own hash.';
  }
  if (params.trailerField !== 1) return 'The RSA-PSS trailer field is not 1.';
  return { hash, saltLength: params.saltLength };
}

async function subtleVerify(
  spki: Uint8Array,
  importAlgorithm: RsaHashedImportParams | EcKeyImportParams,
  verifyAlgorithm: AlgorithmIdentifier | RsaPssParams | EcdsaParams,
  signed: SignedPart,
): Promise<SignatureProblem> {
  const subtle = webCrypto().subtle;
  const key = await subtle.importKey('spki', ownBuffer(spki), importAlgorithm, false, ['verify']);
  const valid = await subtle.verify(verifyAlgorithm, key, ownBuffer(signed.signature), ownBuffer(signed.tbs));
  return valid ? null : 'The signature does not verify.';
}

async function verifyEd25519(key: pkijs.PublicKeyInfo, signed: SignedPart): Promise<SignatureProblem> {
  const subtle = webCrypto().subtle;
  let imported: CryptoKey | null = null;
  try {
    imported = await subtle.importKey('spki', ownBuffer(spkiDer(key)), { name: 'Ed25519' }, false, ['verify']);
  } catch {
    // Browsers without WebCrypto Ed25519: @noble/curves, strict RFC 8032 decoding.
  }
  const valid = imported
    ? await subtle.verify({ name: 'Ed25519' }, imported, ownBuffer(signed.signature), ownBuffer(signed.tbs))
    : ed25519.verify(signed.signature, signed.tbs, key.subjectPublicKey.valueBlock.valueHexView, { zip215: false });
  return valid ? null : 'The signature does not verify.';
}
