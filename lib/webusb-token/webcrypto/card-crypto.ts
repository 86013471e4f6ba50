// A WebCrypto whose private keys may be card keys: CardCrypto's subtle sends every call that names
// a CardCryptoKey to the card providers (webcrypto-core checks names, params and usages first) and
// every other call (digest, public-key import and export, verify, encrypt, generateKey, soft keys)
// to the platform's own crypto, unchanged. So code written for WebCrypto (lib/smime's key
// operations, PKI.js's CryptoEngine) signs and decrypts with a card without knowing it.
import * as core from 'webcrypto-core';

import { CardCryptoKey, type CardSlot, cardCryptoKey } from './card-crypto-key';
import { CardEcdhProvider, CardEcdsaProvider, CardRsaOaepProvider, CardRsaPssProvider, CardRsaSsaProvider, CardRsaesPkcs1v15Provider, type RsaesPkcs1v15Params } from './card-providers';

const isCard = (key: CryptoKey): key is CardCryptoKey => key instanceof CardCryptoKey;

// The DOM's parameter types (what callers pass), plus our RSAES-PKCS1-v1_5.
type SignParams = AlgorithmIdentifier | RsaPssParams | EcdsaParams;
type EncryptParams = AlgorithmIdentifier | RsaOaepParams | AesCtrParams | AesCbcParams | AesGcmParams | RsaesPkcs1v15Params;
type DeriveParams = AlgorithmIdentifier | EcdhKeyDeriveParams | HkdfParams | Pbkdf2Params;
type ImportParams = AlgorithmIdentifier | RsaHashedImportParams | EcKeyImportParams | HmacImportParams | AesKeyAlgorithm;
type DerivedKeyParams = AlgorithmIdentifier | AesDerivedKeyParams | HmacImportParams | HkdfParams | Pbkdf2Params;

export class CardSubtle extends core.SubtleCrypto {
  constructor(private readonly platform: SubtleCrypto) {
    super();
    for (const Provider of [CardRsaSsaProvider, CardRsaPssProvider, CardRsaOaepProvider, CardRsaesPkcs1v15Provider, CardEcdsaProvider, CardEcdhProvider]) {
      this.providers.set(new Provider(platform));
    }
  }

  /** The card key in `card.slot` for `algorithm` (as importKey takes it), e.g. `{ name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' }`. */
  cardKey(card: CardSlot, algorithm: AlgorithmIdentifier | RsaHashedImportParams | EcKeyImportParams, usages: KeyUsage[]): CardCryptoKey {
    return cardCryptoKey(card, algorithm, usages);
  }

  override digest(algorithm: AlgorithmIdentifier, data: BufferSource): Promise<ArrayBuffer> {
    return this.platform.digest(algorithm, data);
  }

  // webcrypto-core's overloads, all answered by the platform.
  override generateKey(algorithm: 'X25519', extractable: boolean, keyUsages: readonly ('deriveBits' | 'deriveKey')[]): Promise<CryptoKeyPair>;
  override generateKey(algorithm: 'Ed25519', extractable: boolean, keyUsages: readonly ('sign' | 'verify')[]): Promise<CryptoKeyPair>;
  override generateKey(algorithm: RsaHashedKeyGenParams | EcKeyGenParams, extractable: boolean, keyUsages: KeyUsage[]): Promise<CryptoKeyPair>;
  override generateKey(algorithm: AesKeyGenParams | HmacKeyGenParams | Pbkdf2Params, extractable: boolean, keyUsages: KeyUsage[]): Promise<CryptoKey>;
  override generateKey(algorithm: AlgorithmIdentifier, extractable: boolean, keyUsages: Iterable<KeyUsage>): Promise<CryptoKeyPair | CryptoKey>;
  override generateKey(algorithm: AlgorithmIdentifier, extractable: boolean, keyUsages: Iterable<KeyUsage>): Promise<CryptoKeyPair | CryptoKey> {
    return this.platform.generateKey(algorithm, extractable, [...keyUsages]);
  }

  override importKey(format: KeyFormat, keyData: BufferSource | JsonWebKey, algorithm: ImportParams, extractable: boolean, keyUsages: KeyUsage[]): Promise<CryptoKey> {
    // The platform's overloads split 'jwk' from the binary formats; the value is passed as given.
    return this.platform.importKey(format as 'raw', keyData as BufferSource, algorithm, extractable, keyUsages);
  }

  override exportKey(format: 'raw' | 'spki' | 'pkcs8', key: CryptoKey): Promise<ArrayBuffer>;
  override exportKey(format: 'jwk', key: CryptoKey): Promise<JsonWebKey>;
  override exportKey(format: KeyFormat, key: CryptoKey): Promise<JsonWebKey | ArrayBuffer>;
  override exportKey(format: KeyFormat, key: CryptoKey): Promise<JsonWebKey | ArrayBuffer> {
    return isCard(key) ? super.exportKey(format, key) : this.platform.exportKey(format, key);
  }

  override sign(algorithm: SignParams, key: CryptoKey, data: BufferSource): Promise<ArrayBuffer> {
    return isCard(key) ? super.sign(algorithm, key, data) : this.platform.sign(algorithm, key, data);
  }

  override verify(algorithm: SignParams, key: CryptoKey, signature: BufferSource, data: BufferSource): Promise<boolean> {
    return isCard(key) ? super.verify(algorithm, key, signature, data) : this.platform.verify(algorithm, key, signature, data);
  }

  override encrypt(algorithm: EncryptParams, key: CryptoKey, data: BufferSource): Promise<ArrayBuffer> {
    return isCard(key) ? super.encrypt(algorithm, key, data) : this.platform.encrypt(algorithm, key, data);
  }

  override decrypt(algorithm: EncryptParams, key: CryptoKey, data: BufferSource): Promise<ArrayBuffer> {
    return isCard(key) ? super.decrypt(algorithm, key, data) : this.platform.decrypt(algorithm, key, data);
  }

  override deriveBits(algorithm: DeriveParams, baseKey: CryptoKey, length: number): Promise<ArrayBuffer> {
    return isCard(baseKey) ? super.deriveBits(algorithm, baseKey, length) : this.platform.deriveBits(algorithm, baseKey, length);
  }

  override deriveKey(algorithm: DeriveParams, baseKey: CryptoKey, derivedKeyType: DerivedKeyParams, extractable: boolean, keyUsages: KeyUsage[]): Promise<CryptoKey> {
    // webcrypto-core derives the bits with the card and imports them through this.importKey, i.e. the platform.
    return isCard(baseKey) ? super.deriveKey(algorithm, baseKey, derivedKeyType, extractable, keyUsages) : this.platform.deriveKey(algorithm, baseKey, derivedKeyType, extractable, keyUsages);
  }

  override wrapKey(format: KeyFormat, key: CryptoKey, wrappingKey: CryptoKey, wrapAlgorithm: EncryptParams): Promise<ArrayBuffer> {
    return isCard(key) || isCard(wrappingKey) ? super.wrapKey(format, key, wrappingKey, wrapAlgorithm) : this.platform.wrapKey(format, key, wrappingKey, wrapAlgorithm);
  }

  override unwrapKey(format: KeyFormat, wrappedKey: BufferSource, unwrappingKey: CryptoKey, unwrapAlgorithm: EncryptParams, unwrappedKeyAlgorithm: ImportParams, extractable: boolean, keyUsages: KeyUsage[]): Promise<CryptoKey> {
    return isCard(unwrappingKey)
      ? super.unwrapKey(format, wrappedKey, unwrappingKey, unwrapAlgorithm, unwrappedKeyAlgorithm, extractable, keyUsages)
      : this.platform.unwrapKey(format, wrappedKey, unwrappingKey, unwrapAlgorithm, unwrappedKeyAlgorithm, extractable, keyUsages);
  }
}

/** A Crypto over the platform's (default globalThis.crypto) whose subtle also takes card keys. */
export class CardCrypto extends core.Crypto {
  readonly subtle: CardSubtle;

  constructor(private readonly platform: Crypto = globalThis.crypto) {
    super();
    this.subtle = new CardSubtle(platform.subtle);
  }

  getRandomValues<T extends ArrayBufferView | null>(array: T): T {
    return this.platform.getRandomValues(array as ArrayBufferView<ArrayBuffer>) as T;
  }
}
