// KeyOperations for one stored identity: the non-extractable CryptoKeys where they fit the
// operation, else the wrapped PKCS#8, unwrapped for this one operation and wiped after
// (lib/smime's softKey does the work). Lock and damage errors keep their keystore type, so the
// reader can tell "locked" from "cannot decrypt".
import { SmimeError } from '@/lib/smime';
import { CURVE_BYTES, ecdsaRawToDer } from '@/lib/smime/asn1/ecdsa-signature';
import { type KeyOperations, type KeyTransportPadding, type SignatureScheme, operationsForKind } from '@/lib/smime/keys/key-operations';
import { type Pkcs8Description, softKey } from '@/lib/smime/keys/soft-key';
import { ownBuffer, webCrypto } from '@/lib/smime/web-crypto';

import type { KeyHandles } from './key-handles';
import { wipe } from './wrapping';

export interface KeyAccess {
  description: Pkcs8Description;
  /** The CryptoKeys; throws KeystoreLockedError while locked. */
  handles(): Promise<KeyHandles>;
  /** A fresh copy of the unwrapped PKCS#8, which the caller wipes; throws KeystoreLockedError or a 'corrupt-key' KeystoreError. */
  loadPkcs8(): Promise<Uint8Array>;
}

/** Which CryptoKey, if any, can make this signature. */
function signingHandle(handles: KeyHandles, scheme: SignatureScheme): CryptoKey | undefined {
  if (scheme.scheme === 'rsa-pkcs1' && scheme.hash === 'SHA-256') return handles.rsaPkcs1Sha256;
  // RFC 4056 senders use the hash length as salt; our CryptoKey signs any salt length with SHA-256.
  if (scheme.scheme === 'rsa-pss' && scheme.hash === 'SHA-256') return handles.rsaPssSha256;
  if (scheme.scheme === 'ecdsa') return handles.ecdsa; // ECDSA keys are not bound to a hash.
  return undefined;
}

function oaepHandle(handles: KeyHandles, padding: KeyTransportPadding): CryptoKey | undefined {
  if (padding.padding !== 'oaep') return undefined;
  return padding.hash === 'SHA-1' ? handles.rsaOaepSha1 : padding.hash === 'SHA-256' ? handles.rsaOaepSha256 : undefined;
}

export function keystoreKey(access: KeyAccess): KeyOperations {
  const { description } = access;
  const subtle = () => webCrypto().subtle;

  /** The wrapped path: one unwrap, one operation, then the bytes are overwritten. */
  const withPkcs8 = async <T>(work: (key: KeyOperations) => Promise<T>): Promise<T> => {
    const pkcs8 = await access.loadPkcs8();
    try {
      return await work(softKey(description, async () => pkcs8));
    } finally {
      wipe(pkcs8);
    }
  };
  const failed = (what: string, error: unknown): never => {
    if (error instanceof SmimeError) throw error;
    throw new SmimeError('key-operation-failed', `The key could not ${what}: ${(error as Error).message}`, { cause: error });
  };

  const sign = async (data: Uint8Array, scheme: SignatureScheme): Promise<Uint8Array> => {
    const handle = signingHandle(await access.handles(), scheme);
    if (!handle) return withPkcs8((key) => key.sign!(data, scheme));
    try {
      if (scheme.scheme === 'rsa-pss') return new Uint8Array(await subtle().sign({ name: 'RSA-PSS', saltLength: scheme.saltLength }, handle, ownBuffer(data)));
      if (scheme.scheme === 'ecdsa') {
        const raw = new Uint8Array(await subtle().sign({ name: 'ECDSA', hash: scheme.hash }, handle, ownBuffer(data)));
        if (raw.length !== CURVE_BYTES[description.curve!] * 2) throw new Error('unexpected ECDSA signature length');
        return ecdsaRawToDer(raw);
      }
      return new Uint8Array(await subtle().sign('RSASSA-PKCS1-v1_5', handle, ownBuffer(data)));
    } catch (error) {
      return failed('sign', error);
    }
  };

  const decryptKeyTransport = async (encryptedKey: Uint8Array, padding: KeyTransportPadding): Promise<Uint8Array> => {
    const handle = oaepHandle(await access.handles(), padding);
    // PKCS#1 v1.5 (WebCrypto has no RSAES-PKCS1-v1_5) and OAEP with other hashes.
    if (!handle || padding.padding !== 'oaep') return withPkcs8((key) => key.decryptKeyTransport!(encryptedKey, padding));
    try {
      const params: RsaOaepParams = padding.label ? { name: 'RSA-OAEP', label: ownBuffer(padding.label) } : { name: 'RSA-OAEP' };
      return new Uint8Array(await subtle().decrypt(params, handle, ownBuffer(encryptedKey)));
    } catch {
      // One error for every OAEP failure, as softKey: no oracle.
      throw new SmimeError('decryption-failed', 'The message could not be decrypted.');
    }
  };

  const deriveSharedSecret = async (originatorPublicKey: Uint8Array): Promise<Uint8Array> => {
    const handle = description.kind === 'ec' ? (await access.handles()).ecdh : undefined;
    if (!handle) return withPkcs8((key) => key.deriveSharedSecret!(originatorPublicKey));
    try {
      const curve = description.curve!;
      const publicKey = await subtle().importKey('spki', ownBuffer(originatorPublicKey), { name: 'ECDH', namedCurve: curve }, false, []);
      return new Uint8Array(await subtle().deriveBits({ name: 'ECDH', public: publicKey }, handle, CURVE_BYTES[curve] * 8));
    } catch (error) {
      return failed('agree on a key', error);
    }
  };

  return operationsForKind(description, { sign, decryptKeyTransport, deriveSharedSecret });
}
