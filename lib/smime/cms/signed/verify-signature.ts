// Checks one signature with the public key of a certificate, through WebCrypto. Ed25519 falls back
// to @noble/curves where the platform's WebCrypto lacks it (older browsers).
import * as asn1js from 'asn1js';
import { ed25519 } from '@noble/curves/ed25519.js';
import type * as pkijs from 'pkijs';

import { CURVE_BYTES, ecdsaDerToRaw } from '../../asn1/ecdsa-signature';
import { parseAsn1, toDer } from '../../asn1/parse-der';
import { SmimeError } from '../../errors';
import type { NamedCurve, SignatureScheme } from '../../keys/key-operations';
import { LIMITS } from '../../limits';
import { OID } from '../../oids';
import { ownBuffer, webCrypto } from '../../web-crypto';

const CURVES: Record<string, NamedCurve> = { [OID.p256]: 'P-256', [OID.p384]: 'P-384', [OID.p521]: 'P-521' };

export type PublicKeyDescription =
  | { kind: 'rsa'; modulusBits: number; spki: Uint8Array }
  | { kind: 'ec'; curve: NamedCurve; spki: Uint8Array }
  | { kind: 'ed25519'; spki: Uint8Array; raw: Uint8Array };

/** The certificate's public key, ready to import; throws SmimeError for keys we cannot use. */
export function describePublicKey(certificate: pkijs.Certificate): PublicKeyDescription {
  const info = certificate.subjectPublicKeyInfo;
  const oid = info.algorithm.algorithmId;
  const keyBytes = info.subjectPublicKey.valueBlock.valueHexView;
  if (oid === OID.rsaEncryption || oid === OID.rsassaPss) {
    const modulusBits = rsaModulusBits(keyBytes);
    if (modulusBits > LIMITS.rsaModulusBits) throw new SmimeError('limit-exceeded', `The signer's RSA key is over ${LIMITS.rsaModulusBits} bits.`);
    // An id-RSASSA-PSS key is imported as a plain RSA key: browsers refuse the PSS OID in SPKI.
    const spki = new asn1js.Sequence({
      value: [
        new asn1js.Sequence({ value: [new asn1js.ObjectIdentifier({ value: OID.rsaEncryption }), new asn1js.Null()] }),
        new asn1js.BitString({ valueHex: keyBytes.slice().buffer }),
      ],
    });
    return { kind: 'rsa', modulusBits, spki: toDer(spki) };
  }
  if (oid === OID.ecPublicKey) {
    const params = info.algorithm.algorithmParams as unknown;
    const curve = params instanceof asn1js.ObjectIdentifier ? CURVES[params.valueBlock.toString()] : undefined;
    if (!curve) throw new SmimeError('unsupported-algorithm', "The signer's EC key is on a curve other than P-256, P-384 or P-521.");
    return { kind: 'ec', curve, spki: toDer(info.toSchema()) };
  }
  if (oid === OID.ed25519) return { kind: 'ed25519', spki: toDer(info.toSchema()), raw: keyBytes };
  throw new SmimeError('unsupported-algorithm', `The signer's key type (${oid}) is not supported.`);
}

function rsaModulusBits(rsaPublicKey: Uint8Array): number {
  const key = parseAsn1(rsaPublicKey, 'RSA public key');
  const modulus = key instanceof asn1js.Sequence ? key.valueBlock.value[0] : undefined;
  if (!(modulus instanceof asn1js.Integer)) throw new SmimeError('malformed-certificate', "The signer's RSA key cannot be read.");
  const bytes = modulus.valueBlock.valueHexView;
  let start = 0;
  while (start < bytes.length && bytes[start] === 0) start++;
  if (start === bytes.length) throw new SmimeError('malformed-certificate', "The signer's RSA key cannot be read.");
  return (bytes.length - start) * 8 - Math.clz32(bytes[start]!) + 24;
}

/**
 * True when `signature` is valid over `data` under `key` with `scheme`. A scheme that does not fit
 * the key type throws SmimeError('unsupported-algorithm'); a garbled signature is just invalid.
 */
export async function verifySignature(key: PublicKeyDescription, scheme: SignatureScheme, data: Uint8Array, signature: Uint8Array): Promise<boolean> {
  const subtle = webCrypto().subtle;
  const mismatch = () => new SmimeError('unsupported-algorithm', "The signature algorithm does not fit the signer's key.");
  switch (scheme.scheme) {
    case 'rsa-pkcs1':
    case 'rsa-pss': {
      if (key.kind !== 'rsa') throw mismatch();
      const name = scheme.scheme === 'rsa-pss' ? 'RSA-PSS' : 'RSASSA-PKCS1-v1_5';
      const publicKey = await subtle.importKey('spki', ownBuffer(key.spki), { name, hash: scheme.hash }, false, ['verify']);
      const params = scheme.scheme === 'rsa-pss' ? { name, saltLength: scheme.saltLength } : { name };
      return subtle.verify(params, publicKey, ownBuffer(signature), ownBuffer(data)).catch(() => false);
    }
    case 'ecdsa': {
      if (key.kind !== 'ec') throw mismatch();
      let raw: Uint8Array;
      try {
        raw = ecdsaDerToRaw(signature, CURVE_BYTES[key.curve]);
      } catch {
        return false;
      }
      const publicKey = await subtle.importKey('spki', ownBuffer(key.spki), { name: 'ECDSA', namedCurve: key.curve }, false, ['verify']);
      return subtle.verify({ name: 'ECDSA', hash: scheme.hash }, publicKey, ownBuffer(raw), ownBuffer(data)).catch(() => false);
    }
    case 'ed25519': {
      if (key.kind !== 'ed25519') throw mismatch();
      if (signature.length !== 64) return false;
      let publicKey: CryptoKey | null = null;
      try {
        publicKey = await subtle.importKey('spki', ownBuffer(key.spki), { name: 'Ed25519' }, false, ['verify']);
      } catch {
        publicKey = null;
      }
      if (publicKey) return subtle.verify('Ed25519', publicKey, ownBuffer(signature), ownBuffer(data)).catch(() => false);
      // RFC 8032 strict decoding, as WebCrypto does (ZIP-215 would accept more encodings).
      try {
        return ed25519.verify(signature, data, key.raw, { zip215: false });
      } catch {
        return false;
      }
    }
  }
}
