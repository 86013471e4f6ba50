// webcrypto-core providers for card keys: what a PIV card does (raw RSA, ECDSA over a hash, ECDH)
// with the rest done here, in the browser, with the platform's digest. Each signature is checked
// against the certificate's public key, so a card whose slot holds another key (or computes
// wrongly) never yields a bad signature. RSA decryption answers every padding failure with one
// error (OAEP) or with random bytes (PKCS#1 v1.5, implicit rejection). The subtle in
// card-crypto.ts only hands CardCryptoKeys to these providers.
import * as core from 'webcrypto-core';

import { ecdsaDerToRaw } from '../../smime/asn1/ecdsa-signature';
import { bytesToBigInt, modPow } from '../../smime/rsa/big-int-bytes';
import type { HashName } from '../../smime/web-crypto';
import { TokenError } from '../errors';
import type { PivCurve } from '../piv/piv-client';
import { CardCryptoKey, type CardPublicKey, RSAES_PKCS1_V1_5 } from './card-crypto-key';
import { withCardPin } from './card-pin';
import { type Digest, emeOaepDecode, emsaPkcs1v15, emsaPss, implicitRejection, leftPad, oaepHash, signingHash } from './rsa-encodings';

/** Decrypt params of RSAES-PKCS1-v1_5: the key length the content cipher expects (RFC 8017 section 7.2.2 with implicit rejection). */
export interface RsaesPkcs1v15Params extends Algorithm {
  keyLength: number;
}

type RsaPublic = Extract<CardPublicKey, { kind: 'rsa' }>;
type EcPublic = Extract<CardPublicKey, { kind: 'ec' }>;

const HALF: Record<PivCurve, number> = { 'P-256': 32, 'P-384': 48 };
const own = (bytes: Uint8Array) => new Uint8Array(bytes) as Uint8Array<ArrayBuffer>;
const bytes = (buffer: ArrayBuffer) => new Uint8Array(buffer);
const mismatch = () => new TokenError('card-error', "The card's signature does not match the certificate's public key.");
/** The one error for every OAEP failure, as WebCrypto throws it: no oracle. */
const undecryptable = () => new DOMException('The ciphertext could not be decrypted.', 'OperationError');

/** The card key behind a CryptoKey the subtle already checked. */
function cardKeyOf(key: CryptoKey): CardCryptoKey {
  if (!(key instanceof CardCryptoKey)) throw new TokenError('invalid-argument', 'Not a card key.');
  return key;
}

function rsaPublic(key: CardCryptoKey): RsaPublic {
  if (key.publicKey.kind !== 'rsa') throw new TokenError('invalid-argument', 'Not an RSA card key.');
  return key.publicKey;
}

function ecPublic(key: CardCryptoKey): EcPublic {
  if (key.publicKey.kind !== 'ec') throw new TokenError('invalid-argument', 'Not an EC card key.');
  return key.publicKey;
}

/** The key's hash (RSA keys carry it, as WebCrypto's do). */
function keyHash(key: CardCryptoKey): string {
  return (key.algorithm as Partial<RsaHashedKeyAlgorithm>).hash?.name ?? '';
}

/** The card's raw RSA (m^d mod n), behind the PIN. */
function rsaOnCard(key: CardCryptoKey, input: Uint8Array): Promise<Uint8Array> {
  const { client, slot, askPin } = key.card;
  return withCardPin(client, slot, askPin, () => client.rsaPrivateOperation(slot, input));
}

/** s = EM^d on the card, checked with the public key (s^e = EM). */
async function rsaSign(key: CardCryptoKey, em: Uint8Array): Promise<ArrayBuffer> {
  const { n, e } = rsaPublic(key);
  const s = await rsaOnCard(key, em);
  if (modPow(bytesToBigInt(s), e, n) !== bytesToBigInt(em)) throw mismatch();
  return own(s).buffer;
}

/** EM = c^d on the card, once the ciphertext is known to fit the key; wiped after `decode`. */
async function rsaDecrypt<T>(key: CardCryptoKey, ciphertext: Uint8Array, decode: (em: Uint8Array) => Promise<T> | T): Promise<T> {
  const { n, k } = rsaPublic(key);
  // Length and range are public: refusing them reveals nothing about the key or the plaintext.
  if (ciphertext.length !== k || bytesToBigInt(ciphertext) >= n) throw new TokenError('invalid-argument', 'The RSA ciphertext does not fit the key.');
  const em = await rsaOnCard(key, ciphertext);
  try {
    return await decode(em);
  } finally {
    em.fill(0);
  }
}

abstract class CardProvider extends core.ProviderCrypto {
  constructor(protected readonly platform: SubtleCrypto) {
    super();
  }

  protected readonly platformDigest: Digest = async (hash: HashName, data: Uint8Array) => bytes(await this.platform.digest(hash, own(data)));
}

export class CardRsaSsaProvider extends CardProvider {
  readonly name = 'RSASSA-PKCS1-v1_5';
  readonly usages = { privateKey: ['sign'], publicKey: ['verify'] } satisfies core.ProviderKeyUsages;

  override async onSign(_algorithm: Algorithm, key: CryptoKey, data: ArrayBuffer): Promise<ArrayBuffer> {
    const card = cardKeyOf(key);
    const hash = signingHash(keyHash(card));
    return rsaSign(card, emsaPkcs1v15(await this.platformDigest(hash, bytes(data)), hash, rsaPublic(card).k));
  }
}

export class CardRsaPssProvider extends CardProvider {
  readonly name = 'RSA-PSS';
  readonly usages = { privateKey: ['sign'], publicKey: ['verify'] } satisfies core.ProviderKeyUsages;

  override checkAlgorithmParams(algorithm: RsaPssParams): void {
    this.checkRequiredProperty(algorithm, 'saltLength');
    if (!Number.isInteger(algorithm.saltLength) || algorithm.saltLength < 0) throw new TypeError('saltLength: Must be a non-negative integer');
  }

  override async onSign(algorithm: RsaPssParams, key: CryptoKey, data: ArrayBuffer): Promise<ArrayBuffer> {
    const card = cardKeyOf(key);
    const hash = signingHash(keyHash(card));
    const { n, k } = rsaPublic(card);
    const em = await emsaPss(this.platformDigest, await this.platformDigest(hash, bytes(data)), hash, algorithm.saltLength, n.toString(2).length - 1);
    return rsaSign(card, leftPad(em, k));
  }
}

export class CardRsaOaepProvider extends CardProvider {
  readonly name = 'RSA-OAEP';
  readonly usages = { privateKey: ['decrypt', 'unwrapKey'], publicKey: ['encrypt', 'wrapKey'] } satisfies core.ProviderKeyUsages;

  override checkAlgorithmParams(algorithm: RsaOaepParams): void {
    if (algorithm.label !== undefined && !(algorithm.label instanceof ArrayBuffer || ArrayBuffer.isView(algorithm.label))) throw new TypeError("label: Is not of type '(ArrayBuffer or ArrayBufferView)'");
  }

  override async onDecrypt(algorithm: RsaOaepParams, key: CryptoKey, data: ArrayBuffer): Promise<ArrayBuffer> {
    const card = cardKeyOf(key);
    const hash = oaepHash(keyHash(card));
    const label = algorithm.label === undefined ? new Uint8Array(0) : core.BufferSourceConverter.toUint8Array(algorithm.label);
    const message = await rsaDecrypt(card, bytes(data), (em) => emeOaepDecode(this.platformDigest, em, hash, label));
    if (!message) throw undecryptable();
    return own(message).buffer;
  }
}

/** RSAES-PKCS1-v1_5 decryption, not in WebCrypto: never an error on bad padding, random bytes of `keyLength` instead. */
export class CardRsaesPkcs1v15Provider extends CardProvider {
  readonly name = RSAES_PKCS1_V1_5;
  readonly usages = { privateKey: ['decrypt'], publicKey: ['encrypt'] } satisfies core.ProviderKeyUsages;

  override checkAlgorithmParams(algorithm: RsaesPkcs1v15Params): void {
    this.checkRequiredProperty(algorithm, 'keyLength');
    if (!Number.isInteger(algorithm.keyLength) || algorithm.keyLength < 1) throw new TypeError('keyLength: Must be a positive integer');
  }

  override async onDecrypt(algorithm: RsaesPkcs1v15Params, key: CryptoKey, data: ArrayBuffer): Promise<ArrayBuffer> {
    const card = cardKeyOf(key);
    const { k } = rsaPublic(card);
    if (algorithm.keyLength > k - 11) throw new TokenError('invalid-argument', `A ${algorithm.keyLength}-byte key cannot come from a ${k}-byte RSA key.`);
    return rsaDecrypt(card, bytes(data), (em) => own(implicitRejection(em, algorithm.keyLength)).buffer);
  }
}

export class CardEcdsaProvider extends CardProvider {
  readonly name = 'ECDSA';
  readonly usages = { privateKey: ['sign'], publicKey: ['verify'] } satisfies core.ProviderKeyUsages;

  override checkAlgorithmParams(algorithm: EcdsaParams): void {
    this.checkRequiredProperty(algorithm, 'hash');
  }

  /** WebCrypto's ECDSA signature: r||s, each half the curve's size. */
  override async onSign(algorithm: EcdsaParams, key: CryptoKey, data: ArrayBuffer): Promise<ArrayBuffer> {
    const card = cardKeyOf(key);
    const { curve, spki } = ecPublic(card);
    const hash = signingHash(typeof algorithm.hash === 'string' ? algorithm.hash : algorithm.hash.name);
    const digested = await this.platformDigest(hash, bytes(data));
    const { client, slot, askPin } = card.card;
    const der = await withCardPin(client, slot, askPin, () => client.ecdsaSign(slot, curve, digested));
    let raw: Uint8Array;
    try {
      raw = ecdsaDerToRaw(der, HALF[curve]);
    } catch {
      throw mismatch();
    }
    const verifier = await this.platform.importKey('spki', own(spki), { name: 'ECDSA', namedCurve: curve }, false, ['verify']);
    if (!(await this.platform.verify({ name: 'ECDSA', hash }, verifier, own(raw), data))) throw mismatch();
    return own(raw).buffer;
  }
}

export class CardEcdhProvider extends CardProvider {
  readonly name = 'ECDH';
  readonly usages = { privateKey: ['deriveBits', 'deriveKey'], publicKey: [] } satisfies core.ProviderKeyUsages;

  // The peer is the platform's CryptoKey (imported there, which checks the point is on the curve), not a webcrypto-core one.
  override checkAlgorithmParams(algorithm: EcdhKeyDeriveParams): void {
    this.checkRequiredProperty(algorithm, 'public');
    const peer = algorithm.public as CryptoKey | undefined;
    if (peer?.type !== 'public' || peer.algorithm.name !== this.name) throw new TokenError('invalid-argument', "The peer's key is not an ECDH public key.");
  }

  /** Z (its first `length` bits), from the card's ECDH with the peer's uncompressed point. */
  override async onDeriveBits(algorithm: EcdhKeyDeriveParams, key: CryptoKey, length: number | null): Promise<ArrayBuffer> {
    const card = cardKeyOf(key);
    const { curve } = ecPublic(card);
    const peerCurve = (algorithm.public.algorithm as EcKeyAlgorithm).namedCurve;
    if (peerCurve !== curve) throw new TokenError('invalid-argument', `The peer's key is on ${peerCurve}, not ${curve}.`);
    const bits = length ?? HALF[curve] * 8;
    if (bits > HALF[curve] * 8) throw new DOMException(`ECDH on ${curve} gives at most ${HALF[curve] * 8} bits.`, 'OperationError');
    const point = bytes(await this.platform.exportKey('raw', algorithm.public));
    const { client, slot, askPin } = card.card;
    const z = await withCardPin(client, slot, askPin, () => client.ecdh(slot, curve, point));
    return own(z.subarray(0, bits / 8)).buffer;
  }
}
