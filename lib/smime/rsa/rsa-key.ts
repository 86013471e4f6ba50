// RSA key material as BigInts, read from PKCS#8 (RFC 5208 / RFC 8017 appendix A.1.2) with
// asn1js/pkijs. Only the PKCS#1 v1.5 path needs this: every other RSA operation uses
// non-extractable WebCrypto keys.
import * as pkijs from 'pkijs';

import { SmimeError } from '../errors';
import { bytesToBigInt } from './big-int-bytes';

export interface RsaPublicKey {
  n: bigint;
  e: bigint;
}

export interface RsaPrivateKey extends RsaPublicKey {
  d: bigint;
  p: bigint;
  q: bigint;
  dp: bigint;
  dq: bigint;
  qInv: bigint;
}

const RSA_ENCRYPTION = '1.2.840.113549.1.1.1';

/** The RSA private key in a PKCS#8 PrivateKeyInfo (unencrypted). */
export function rsaPrivateKeyFromPkcs8(pkcs8: Uint8Array): RsaPrivateKey {
  let info: pkijs.PrivateKeyInfo;
  try {
    info = pkijs.PrivateKeyInfo.fromBER(new Uint8Array(pkcs8));
  } catch {
    throw new SmimeError('malformed-key', 'not a PKCS#8 private key');
  }
  if (info.privateKeyAlgorithm.algorithmId !== RSA_ENCRYPTION || !(info.parsedKey instanceof pkijs.RSAPrivateKey)) {
    throw new SmimeError('malformed-key', 'not an RSA private key');
  }
  const k = info.parsedKey;
  const int = (i: { valueBlock: { valueHexView: Uint8Array } }) => bytesToBigInt(i.valueBlock.valueHexView);
  const key: RsaPrivateKey = {
    n: int(k.modulus),
    e: int(k.publicExponent),
    d: int(k.privateExponent),
    p: int(k.prime1),
    q: int(k.prime2),
    dp: int(k.exponent1),
    dq: int(k.exponent2),
    qInv: int(k.coefficient),
  };
  // A key whose parts do not fit together would give wrong results (or leak the factors).
  if (key.p * key.q !== key.n || key.n < 2n ** 1023n || key.e < 3n) throw new SmimeError('malformed-key', 'inconsistent or too small RSA key');
  return key;
}
