// Big-endian byte strings and BigInt (RFC 8017 section 4: I2OSP and OS2IP), and the modular
// arithmetic the RSA primitives need. BigInt arithmetic is not constant-time: callers that touch
// secrets blind their inputs (see rsa-private-operation.ts).

/** OS2IP: big-endian bytes to a non-negative integer. */
export function bytesToBigInt(bytes: Uint8Array): bigint {
  let hex = '';
  for (const b of bytes) hex += b.toString(16).padStart(2, '0');
  return hex === '' ? 0n : BigInt(`0x${hex}`);
}

/** I2OSP: a non-negative integer to exactly `length` big-endian bytes. */
export function bigIntToBytes(x: bigint, length: number): Uint8Array {
  if (x < 0n) throw new RangeError('I2OSP of a negative integer');
  const hex = x.toString(16);
  if (hex.length > length * 2) throw new RangeError('integer too large for the requested length');
  const padded = hex.padStart(length * 2, '0');
  const out = new Uint8Array(length);
  for (let i = 0; i < length; i++) out[i] = Number.parseInt(padded.slice(i * 2, i * 2 + 2), 16);
  return out;
}

/** Bytes needed to hold `n` (the RSA modulus length k). */
export function byteLength(n: bigint): number {
  return Math.ceil(n.toString(16).length / 2);
}

export function mod(a: bigint, m: bigint): bigint {
  const r = a % m;
  return r < 0n ? r + m : r;
}

/** base^exp mod m by square-and-multiply. */
export function modPow(base: bigint, exp: bigint, m: bigint): bigint {
  if (m === 1n) return 0n;
  let result = 1n;
  let b = mod(base, m);
  let e = exp;
  while (e > 0n) {
    if (e & 1n) result = (result * b) % m;
    b = (b * b) % m;
    e >>= 1n;
  }
  return result;
}

/** The inverse of a modulo m, or null when gcd(a, m) is not 1. */
export function modInverse(a: bigint, m: bigint): bigint | null {
  let [oldR, r] = [mod(a, m), m];
  let [oldS, s] = [1n, 0n];
  while (r !== 0n) {
    const q = oldR / r;
    [oldR, r] = [r, oldR - q * r];
    [oldS, s] = [s, oldS - q * s];
  }
  return oldR === 1n ? mod(oldS, m) : null;
}
