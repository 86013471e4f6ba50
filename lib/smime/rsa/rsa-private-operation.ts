// RSADP (RFC 8017 section 5.1.2) with the Chinese remainder theorem and multiplicative blinding:
// the secret exponentiation never sees the attacker's ciphertext itself, only c * r^e for a fresh
// random r, so its timing says nothing about c. The result is checked with the public exponent,
// so a computing fault cannot leak a factor of n.
import { byteLength, bytesToBigInt, mod, modInverse, modPow } from './big-int-bytes';
import type { RsaPrivateKey } from './rsa-key';

export type RandomBytes = (length: number) => Uint8Array;

export const webRandom: RandomBytes = (length) => globalThis.crypto.getRandomValues(new Uint8Array(length));

/** A random r in [2, n-2] with an inverse modulo n. */
function blinder(n: bigint, random: RandomBytes): { r: bigint; rInv: bigint } {
  const k = byteLength(n);
  for (;;) {
    const r = mod(bytesToBigInt(random(k + 8)), n - 3n) + 2n;
    const rInv = modInverse(r, n);
    if (rInv !== null) return { r, rInv };
  }
}

/** m = c^d mod n for a c already checked to be below n. */
export function rsaPrivateOperation(key: RsaPrivateKey, c: bigint, random: RandomBytes = webRandom): bigint {
  const { r, rInv } = blinder(key.n, random);
  const blinded = (c * modPow(r, key.e, key.n)) % key.n;
  const m1 = modPow(blinded, key.dp, key.p);
  const m2 = modPow(blinded, key.dq, key.q);
  const h = mod(key.qInv * (m1 - m2), key.p);
  const mBlinded = m2 + h * key.q;
  if (modPow(mBlinded, key.e, key.n) !== blinded) throw new Error('RSA private operation failed its own check');
  return (mBlinded * rInv) % key.n;
}
