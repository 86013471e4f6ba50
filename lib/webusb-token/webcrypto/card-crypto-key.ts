// A PIV key slot as a WebCrypto CryptoKey: private, never extractable, its algorithm taken from
// the slot's certificate (RSA modulus and exponent, or the EC curve) and the name the caller asks
// for. It carries what CardCrypto needs to use it (the client, the slot, the certificate's public
// key to check the card's answers, the PIN prompt) and nothing secret.
import * as pkijs from 'pkijs';
import * as core from 'webcrypto-core';

import { OID } from '../../smime/oids';
import { bigIntToBytes, byteLength, bytesToBigInt } from '../../smime/rsa/big-int-bytes';
import { TokenError } from '../errors';
import type { PivClient, PivCurve } from '../piv/piv-client';
import type { PinPrompt } from './card-pin';

/** Where a card key lives and how to reach it. */
export interface CardSlot {
  client: PivClient;
  slot: number;
  /** The slot's certificate: its public key is the key's algorithm and checks the card's signatures. */
  certificate: pkijs.Certificate;
  askPin: PinPrompt;
}

export type CardPublicKey = { kind: 'rsa'; n: bigint; e: bigint; k: number } | { kind: 'ec'; curve: PivCurve; spki: Uint8Array };

/** RSAES-PKCS1-v1_5 key transport, which WebCrypto lacks: decrypt params carry `keyLength` (see card-providers.ts). */
export const RSAES_PKCS1_V1_5 = 'RSAES-PKCS1-v1_5';

/** Names a card key can take, and whether the name needs a hash, per key kind. */
const RSA_NAMES: Record<string, { hashed: boolean }> = { 'RSASSA-PKCS1-v1_5': { hashed: true }, 'RSA-PSS': { hashed: true }, 'RSA-OAEP': { hashed: true }, [RSAES_PKCS1_V1_5]: { hashed: false } };
const EC_NAMES = new Set(['ECDSA', 'ECDH']);

export class CardCryptoKey extends core.CryptoKey {
  constructor(
    readonly card: CardSlot,
    readonly publicKey: CardPublicKey,
    algorithm: KeyAlgorithm,
    usages: KeyUsage[],
  ) {
    super();
    this.algorithm = algorithm;
    this.type = 'private';
    this.extractable = false;
    this.usages = usages;
  }
}

/**
 * The card key in `card.slot` as a CryptoKey for `algorithm` (as WebCrypto's importKey takes it:
 * RSA names with a hash, or RSAES-PKCS1-v1_5; ECDSA or ECDH, on the certificate's curve).
 */
export function cardCryptoKey(card: CardSlot, algorithm: AlgorithmIdentifier | RsaHashedImportParams | EcKeyImportParams, usages: KeyUsage[]): CardCryptoKey {
  const params: Algorithm & { hash?: AlgorithmIdentifier; namedCurve?: string } = typeof algorithm === 'string' ? { name: algorithm } : algorithm;
  const publicKey = readCardPublicKey(card.certificate);
  if (publicKey.kind === 'rsa') {
    const naming = RSA_NAMES[params.name];
    if (!naming) throw new TokenError('unsupported-algorithm', `An RSA card key cannot be used for ${params.name}.`);
    const keyAlgorithm: KeyAlgorithm & Partial<RsaHashedKeyAlgorithm> = { name: params.name, modulusLength: publicKey.n.toString(2).length, publicExponent: bigIntToBytes(publicKey.e, byteLength(publicKey.e)) as Uint8Array<ArrayBuffer> };
    if (naming.hashed) {
      if (params.hash === undefined) throw new TokenError('invalid-argument', `${params.name} needs a hash.`);
      keyAlgorithm.hash = { name: typeof params.hash === 'string' ? params.hash : params.hash.name };
    }
    return new CardCryptoKey(card, publicKey, keyAlgorithm, usages);
  }
  if (!EC_NAMES.has(params.name)) throw new TokenError('unsupported-algorithm', `An EC card key cannot be used for ${params.name}.`);
  if (params.namedCurve !== undefined && params.namedCurve !== publicKey.curve) throw new TokenError('invalid-argument', `The card key is on ${publicKey.curve}, not ${params.namedCurve}.`);
  return new CardCryptoKey(card, publicKey, { name: params.name, namedCurve: publicKey.curve } as EcKeyAlgorithm, usages);
}

/** The public key a PIV slot's certificate carries: RSA, or EC on P-256 or P-384. */
export function readCardPublicKey(certificate: pkijs.Certificate): CardPublicKey {
  const info = certificate.subjectPublicKeyInfo;
  const algorithm = info.algorithm.algorithmId;
  const parsed = info.parsedKey;
  if (algorithm === OID.rsaEncryption && parsed instanceof pkijs.RSAPublicKey) {
    const n = bytesToBigInt(parsed.modulus.valueBlock.valueHexView);
    return { kind: 'rsa', n, e: bytesToBigInt(parsed.publicExponent.valueBlock.valueHexView), k: byteLength(n) };
  }
  if (algorithm === OID.ecPublicKey) {
    const params = info.algorithm.algorithmParams as { valueBlock?: { toString(): string } } | undefined;
    const oid = params?.valueBlock?.toString();
    const curve: PivCurve | undefined = oid === OID.p256 ? 'P-256' : oid === OID.p384 ? 'P-384' : undefined;
    if (curve) return { kind: 'ec', curve, spki: new Uint8Array(info.toSchema().toBER(false)) };
  }
  throw new TokenError('unsupported-algorithm', 'PIV card keys are RSA or EC P-256/P-384.');
}
