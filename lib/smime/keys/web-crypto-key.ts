// KeyOperations over a WebCrypto SubtleCrypto and the private CryptoKey it hands out: the one
// path for every key. A soft key imports its PKCS#8 into the platform's WebCrypto; a card key is a
// CryptoKey of a WebCrypto provider built on webcrypto-core (lib/webusb-token/webcrypto). This
// module only speaks WebCrypto, so it neither knows nor imports where the key lives.
import { CURVE_BYTES, ecdsaRawToDer } from '../asn1/ecdsa-signature';
import { SmimeError } from '../errors';
import { ownBuffer } from '../web-crypto';
import { type KeyOperations, type KeyTransportPadding, type SignatureScheme, operationsForKind } from './key-operations';

/** What kind of key it is: RSA with its modulus length, EC with its curve, Ed25519 or X25519. */
export type KeyDescription = Pick<KeyOperations, 'kind' | 'curve' | 'modulusBits'>;

export interface WebCryptoKeySource {
  /** Read at each operation. */
  readonly subtle: SubtleCrypto;
  /** The private key for one operation of `algorithm` (as importKey takes it), allowed `usage`. */
  keyFor(algorithm: AlgorithmIdentifier | RsaHashedImportParams | EcKeyImportParams, usage: KeyUsage): Promise<CryptoKey>;
  /** RSAES-PKCS1-v1_5 key transport (not in WebCrypto), with implicit rejection: `keyLength` random bytes on bad padding, never an error. */
  decryptPkcs1v15?(encryptedKey: Uint8Array, keyLength: number): Promise<Uint8Array>;
  /**
   * The key's own reading of an error it raised, or undefined for the generic handling: a card
   * that cannot be used now must reach the caller as 'key-unavailable', never as a generic
   * failure (which, for decryption, says something about the message).
   */
  ownError?(error: unknown): Error | undefined;
}

/** KeyOperations of a key `description` says, over `source`'s subtle and keys. */
export function webCryptoKeyOperations(description: KeyDescription, source: WebCryptoKeySource): KeyOperations {
  const { keyFor } = source;
  const fail = (what: string, error: unknown): never => {
    const own = source.ownError?.(error);
    if (own) throw own;
    if (error instanceof SmimeError) throw error;
    throw new SmimeError('key-operation-failed', `The key could not ${what}: ${(error as Error).message}`, { cause: error });
  };

  const sign = async (data: Uint8Array, scheme: SignatureScheme): Promise<Uint8Array> => {
    try {
      switch (scheme.scheme) {
        case 'rsa-pkcs1': {
          const key = await keyFor({ name: 'RSASSA-PKCS1-v1_5', hash: scheme.hash }, 'sign');
          return new Uint8Array(await source.subtle.sign('RSASSA-PKCS1-v1_5', key, ownBuffer(data)));
        }
        case 'rsa-pss': {
          const key = await keyFor({ name: 'RSA-PSS', hash: scheme.hash }, 'sign');
          return new Uint8Array(await source.subtle.sign({ name: 'RSA-PSS', saltLength: scheme.saltLength }, key, ownBuffer(data)));
        }
        case 'ecdsa': {
          const curve = description.curve!;
          const key = await keyFor({ name: 'ECDSA', namedCurve: curve }, 'sign');
          const raw = new Uint8Array(await source.subtle.sign({ name: 'ECDSA', hash: scheme.hash }, key, ownBuffer(data)));
          if (raw.length !== CURVE_BYTES[curve] * 2) throw new Error('unexpected ECDSA signature length');
          return ecdsaRawToDer(raw);
        }
        case 'ed25519': {
          const key = await keyFor({ name: 'Ed25519' }, 'sign');
          return new Uint8Array(await source.subtle.sign('Ed25519', key, ownBuffer(data)));
        }
      }
    } catch (error) {
      return fail('sign', error);
    }
  };

  const decryptKeyTransport = async (encryptedKey: Uint8Array, padding: KeyTransportPadding): Promise<Uint8Array> => {
    if (padding.padding === 'pkcs1v15') {
      if (!source.decryptPkcs1v15) throw new SmimeError('unsupported-algorithm', 'This key does not do RSA PKCS#1 v1.5 key transport.');
      try {
        return await source.decryptPkcs1v15(encryptedKey, padding.keyLength);
      } catch (error) {
        // Bad padding is never an error here (implicit rejection): what arrives is about the key or the input's shape.
        throw source.ownError?.(error) ?? error;
      }
    }
    try {
      const key = await keyFor({ name: 'RSA-OAEP', hash: padding.hash }, 'decrypt');
      const params: RsaOaepParams = padding.label ? { name: 'RSA-OAEP', label: ownBuffer(padding.label) } : { name: 'RSA-OAEP' };
      return new Uint8Array(await source.subtle.decrypt(params, key, ownBuffer(encryptedKey)));
    } catch (error) {
      const own = source.ownError?.(error);
      if (own) throw own;
      // One error for every other OAEP failure: no oracle.
      throw new SmimeError('decryption-failed', 'The message could not be decrypted.');
    }
  };

  const deriveSharedSecret = async (originatorPublicKey: Uint8Array): Promise<Uint8Array> => {
    try {
      // The originator's key is imported extractable (a public key, nothing to protect) so a card provider can send its point to the card.
      if (description.kind === 'x25519') {
        const privateKey = await keyFor({ name: 'X25519' }, 'deriveBits');
        const publicKey = await source.subtle.importKey('spki', ownBuffer(originatorPublicKey), { name: 'X25519' }, true, []);
        return new Uint8Array(await source.subtle.deriveBits({ name: 'X25519', public: publicKey } as EcdhKeyDeriveParams, privateKey, 256));
      }
      const curve = description.curve!;
      const privateKey = await keyFor({ name: 'ECDH', namedCurve: curve }, 'deriveBits');
      const publicKey = await source.subtle.importKey('spki', ownBuffer(originatorPublicKey), { name: 'ECDH', namedCurve: curve }, true, []);
      return new Uint8Array(await source.subtle.deriveBits({ name: 'ECDH', public: publicKey }, privateKey, CURVE_BYTES[curve] * 8));
    } catch (error) {
      return fail('agree on a key', error);
    }
  };

  return operationsForKind(description, { sign, decryptKeyTransport, deriveSharedSecret });
}
