// A private key held in software (imported from PKCS#12): KeyOperations over WebCrypto, with our
// BigInt RSA for PKCS#1 v1.5 key transport, which WebCrypto lacks. The PKCS#8 bytes come from a
// loader called once per operation (the webmail unwraps them from IndexedDB there), and the
// imported WebCrypto key is non-extractable and dropped when the operation ends.
import * as pkijs from 'pkijs';

import { CURVE_BYTES, ecdsaRawToDer } from '../asn1/ecdsa-signature';
import { parseAs } from '../asn1/parse-der';
import { ownBuffer, webCrypto } from '../web-crypto';
import { SmimeError } from '../errors';
import { LIMITS } from '../limits';
import { OID } from '../oids';
import { rsaPrivateKeyFromPkcs8 } from '../rsa/rsa-key';
import { rsaesPkcs1v15DecryptKey } from '../rsa/rsaes-pkcs1-v1_5';
import type { KeyKind, KeyOperations, KeyTransportPadding, NamedCurve, SignatureScheme } from './key-operations';

const CURVES: Record<string, NamedCurve> = { [OID.p256]: 'P-256', [OID.p384]: 'P-384', [OID.p521]: 'P-521' };

export interface Pkcs8Description {
  kind: KeyKind;
  curve?: NamedCurve;
  modulusBits?: number;
}

/** What kind of key a PKCS#8 PrivateKeyInfo holds. */
export function describePkcs8(pkcs8: Uint8Array): Pkcs8Description {
  const info = parseAs(pkcs8, 'private key', (schema) => new pkijs.PrivateKeyInfo({ schema }));
  const oid = info.privateKeyAlgorithm.algorithmId;
  if (oid === OID.rsaEncryption || oid === OID.rsassaPss) {
    const modulusBits = rsaPrivateKeyFromPkcs8(pkcs8).n.toString(2).length;
    if (modulusBits > LIMITS.rsaModulusBits) throw new SmimeError('limit-exceeded', `RSA keys over ${LIMITS.rsaModulusBits} bits are refused.`);
    return { kind: 'rsa', modulusBits };
  }
  if (oid === OID.ecPublicKey) {
    const params = info.privateKeyAlgorithm.algorithmParams as { valueBlock?: { toString(): string } } | undefined;
    const curve = params?.valueBlock ? CURVES[params.valueBlock.toString()] : undefined;
    if (!curve) throw new SmimeError('unsupported-algorithm', 'The EC key is on a curve other than P-256, P-384 or P-521.');
    return { kind: 'ec', curve };
  }
  if (oid === OID.ed25519) return { kind: 'ed25519' };
  if (oid === OID.x25519) return { kind: 'x25519' };
  throw new SmimeError('unsupported-algorithm', `Keys of type ${oid} are not supported.`);
}

/** KeyOperations over a PKCS#8 key that `loadPkcs8` returns for each operation. */
export function softKey(description: Pkcs8Description, loadPkcs8: () => Promise<Uint8Array>): KeyOperations {
  const subtle = () => webCrypto().subtle;
  const importFor = async (algorithm: AlgorithmIdentifier | RsaHashedImportParams | EcKeyImportParams, usage: KeyUsage) =>
    subtle().importKey('pkcs8', ownBuffer(await loadPkcs8()), algorithm, false, [usage]);
  const fail = (what: string, error: unknown): never => {
    if (error instanceof SmimeError) throw error;
    throw new SmimeError('key-operation-failed', `The key could not ${what}: ${(error as Error).message}`, { cause: error });
  };

  const sign = async (data: Uint8Array, scheme: SignatureScheme): Promise<Uint8Array> => {
    try {
      switch (scheme.scheme) {
        case 'rsa-pkcs1': {
          const key = await importFor({ name: 'RSASSA-PKCS1-v1_5', hash: scheme.hash }, 'sign');
          return new Uint8Array(await subtle().sign('RSASSA-PKCS1-v1_5', key, ownBuffer(data)));
        }
        case 'rsa-pss': {
          const key = await importFor({ name: 'RSA-PSS', hash: scheme.hash }, 'sign');
          return new Uint8Array(await subtle().sign({ name: 'RSA-PSS', saltLength: scheme.saltLength }, key, ownBuffer(data)));
        }
        case 'ecdsa': {
          const curve = description.curve!;
          const key = await importFor({ name: 'ECDSA', namedCurve: curve }, 'sign');
          const raw = new Uint8Array(await subtle().sign({ name: 'ECDSA', hash: scheme.hash }, key, ownBuffer(data)));
          if (raw.length !== CURVE_BYTES[curve] * 2) throw new Error('unexpected ECDSA signature length');
          return ecdsaRawToDer(raw);
        }
        case 'ed25519': {
          const key = await importFor({ name: 'Ed25519' }, 'sign');
          return new Uint8Array(await subtle().sign('Ed25519', key, ownBuffer(data)));
        }
      }
    } catch (error) {
      return fail('sign', error);
    }
  };

  const decryptKeyTransport = async (encryptedKey: Uint8Array, padding: KeyTransportPadding): Promise<Uint8Array> => {
    if (padding.padding === 'pkcs1v15') {
      // Parsed per call and dropped after: BigInts cannot be wiped, but they do not outlive this.
      const rsa = rsaPrivateKeyFromPkcs8(await loadPkcs8());
      return rsaesPkcs1v15DecryptKey(rsa, encryptedKey, padding.keyLength);
    }
    try {
      const key = await importFor({ name: 'RSA-OAEP', hash: padding.hash }, 'decrypt');
      const params: RsaOaepParams = padding.label ? { name: 'RSA-OAEP', label: ownBuffer(padding.label) } : { name: 'RSA-OAEP' };
      return new Uint8Array(await subtle().decrypt(params, key, ownBuffer(encryptedKey)));
    } catch {
      // One error for every OAEP failure: no oracle.
      throw new SmimeError('decryption-failed', 'The message could not be decrypted.');
    }
  };

  const deriveSharedSecret = async (originatorPublicKey: Uint8Array): Promise<Uint8Array> => {
    try {
      if (description.kind === 'x25519') {
        const privateKey = await importFor({ name: 'X25519' }, 'deriveBits');
        const publicKey = await subtle().importKey('spki', ownBuffer(originatorPublicKey), { name: 'X25519' }, false, []);
        return new Uint8Array(await subtle().deriveBits({ name: 'X25519', public: publicKey } as EcdhKeyDeriveParams, privateKey, 256));
      }
      const curve = description.curve!;
      const privateKey = await importFor({ name: 'ECDH', namedCurve: curve }, 'deriveBits');
      const publicKey = await subtle().importKey('spki', ownBuffer(originatorPublicKey), { name: 'ECDH', namedCurve: curve }, false, []);
      return new Uint8Array(await subtle().deriveBits({ name: 'ECDH', public: publicKey }, privateKey, CURVE_BYTES[curve] * 8));
    } catch (error) {
      return fail('agree on a key', error);
    }
  };

  switch (description.kind) {
    case 'rsa':
      return { kind: 'rsa', modulusBits: description.modulusBits, sign, decryptKeyTransport };
    case 'ec':
      return { kind: 'ec', curve: description.curve, sign, deriveSharedSecret };
    case 'ed25519':
      return { kind: 'ed25519', sign };
    case 'x25519':
      return { kind: 'x25519', deriveSharedSecret };
  }
}

/** A soft key over PKCS#8 bytes held in memory (the CLI and tests). */
export function softKeyFromPkcs8(pkcs8: Uint8Array): KeyOperations {
  const copy = new Uint8Array(pkcs8);
  return softKey(describePkcs8(copy), async () => copy);
}
