// A private key held in software (imported from PKCS#12): KeyOperations over the platform's
// WebCrypto (web-crypto-key.ts, the path card keys take too), with our BigInt RSA for PKCS#1 v1.5
// key transport, which WebCrypto lacks. The PKCS#8 bytes come from a loader called once per
// operation (the webmail unwraps them from IndexedDB there), and the imported WebCrypto key is
// non-extractable and dropped when the operation ends.
import * as pkijs from 'pkijs';

import { parseAs } from '../asn1/parse-der';
import { ownBuffer, webCrypto } from '../web-crypto';
import { SmimeError } from '../errors';
import { LIMITS } from '../limits';
import { OID } from '../oids';
import { rsaPrivateKeyFromPkcs8 } from '../rsa/rsa-key';
import { rsaesPkcs1v15DecryptKey } from '../rsa/rsaes-pkcs1-v1_5';
import type { KeyKind, KeyOperations, NamedCurve } from './key-operations';
import { webCryptoKeyOperations } from './web-crypto-key';

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
  return webCryptoKeyOperations(description, {
    // Read per operation: a test or the worker may install another WebCrypto after the key is made.
    get subtle() {
      return webCrypto().subtle;
    },
    keyFor: async (algorithm, usage) => webCrypto().subtle.importKey('pkcs8', ownBuffer(await loadPkcs8()), algorithm, false, [usage]),
    // Parsed per call and dropped after: BigInts cannot be wiped, but they do not outlive this.
    decryptPkcs1v15: async (encryptedKey, keyLength) => rsaesPkcs1v15DecryptKey(rsaPrivateKeyFromPkcs8(await loadPkcs8()), encryptedKey, keyLength),
  });
}

/** A soft key over PKCS#8 bytes held in memory (the CLI and tests). */
export function softKeyFromPkcs8(pkcs8: Uint8Array): KeyOperations {
  const copy = new Uint8Array(pkcs8);
  return softKey(describePkcs8(copy), async () => copy);
}
