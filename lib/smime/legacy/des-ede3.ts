// Triple DES (FIPS 46-3, NIST SP 800-67) in CBC mode, decrypt only: old S/MIME mail (OpenSSL's
// default content cipher until 3.x) and old PKCS#12 keys. We never encrypt with it. The S-boxes and
// the P permutation are folded into eight 64-entry tables at load; the initial and final
// permutations are done a byte at a time through lookup tables.
import { SmimeError } from '../errors';
import { type BlockDecrypt, decryptCbcPkcs7 } from './cbc-decrypt';

// FIPS 46-3 tables, bit numbers 1-based from the most significant bit, as printed in the standard.
const IP = [
  58, 50, 42, 34, 26, 18, 10, 2, 60, 52, 44, 36, 28, 20, 12, 4, 62, 54, 46, 38, 30, 22, 14, 6, 64, 56, 48, 40, 32, 24, 16, 8,
  57, 49, 41, 33, 25, 17, 9, 1, 59, 51, 43, 35, 27, 19, 11, 3, 61, 53, 45, 37, 29, 21, 13, 5, 63, 55, 47, 39, 31, 23, 15, 7,
];
const P = [16, 7, 20, 21, 29, 12, 28, 17, 1, 15, 23, 26, 5, 18, 31, 10, 2, 8, 24, 14, 32, 27, 3, 9, 19, 13, 30, 6, 22, 11, 4, 25];
const PC1 = [
  57, 49, 41, 33, 25, 17, 9, 1, 58, 50, 42, 34, 26, 18, 10, 2, 59, 51, 43, 35, 27, 19, 11, 3, 60, 52, 44, 36,
  63, 55, 47, 39, 31, 23, 15, 7, 62, 54, 46, 38, 30, 22, 14, 6, 61, 53, 45, 37, 29, 21, 13, 5, 28, 20, 12, 4,
];
const PC2 = [
  14, 17, 11, 24, 1, 5, 3, 28, 15, 6, 21, 10, 23, 19, 12, 4, 26, 8, 16, 7, 27, 20, 13, 2,
  41, 52, 31, 37, 47, 55, 30, 40, 51, 45, 33, 48, 44, 49, 39, 56, 34, 53, 46, 42, 50, 36, 29, 32,
];
const SHIFTS = [1, 1, 2, 2, 2, 2, 2, 2, 1, 2, 2, 2, 2, 2, 2, 1];
const S = [
  [14, 4, 13, 1, 2, 15, 11, 8, 3, 10, 6, 12, 5, 9, 0, 7, 0, 15, 7, 4, 14, 2, 13, 1, 10, 6, 12, 11, 9, 5, 3, 8,
    4, 1, 14, 8, 13, 6, 2, 11, 15, 12, 9, 7, 3, 10, 5, 0, 15, 12, 8, 2, 4, 9, 1, 7, 5, 11, 3, 14, 10, 0, 6, 13],
  [15, 1, 8, 14, 6, 11, 3, 4, 9, 7, 2, 13, 12, 0, 5, 10, 3, 13, 4, 7, 15, 2, 8, 14, 12, 0, 1, 10, 6, 9, 11, 5,
    0, 14, 7, 11, 10, 4, 13, 1, 5, 8, 12, 6, 9, 3, 2, 15, 13, 8, 10, 1, 3, 15, 4, 2, 11, 6, 7, 12, 0, 5, 14, 9],
  [10, 0, 9, 14, 6, 3, 15, 5, 1, 13, 12, 7, 11, 4, 2, 8, 13, 7, 0, 9, 3, 4, 6, 10, 2, 8, 5, 14, 12, 11, 15, 1,
    13, 6, 4, 9, 8, 15, 3, 0, 11, 1, 2, 12, 5, 10, 14, 7, 1, 10, 13, 0, 6, 9, 8, 7, 4, 15, 14, 3, 11, 5, 2, 12],
  [7, 13, 14, 3, 0, 6, 9, 10, 1, 2, 8, 5, 11, 12, 4, 15, 13, 8, 11, 5, 6, 15, 0, 3, 4, 7, 2, 12, 1, 10, 14, 9,
    10, 6, 9, 0, 12, 11, 7, 13, 15, 1, 3, 14, 5, 2, 8, 4, 3, 15, 0, 6, 10, 1, 13, 8, 9, 4, 5, 11, 12, 7, 2, 14],
  [2, 12, 4, 1, 7, 10, 11, 6, 8, 5, 3, 15, 13, 0, 14, 9, 14, 11, 2, 12, 4, 7, 13, 1, 5, 0, 15, 10, 3, 9, 8, 6,
    4, 2, 1, 11, 10, 13, 7, 8, 15, 9, 12, 5, 6, 3, 0, 14, 11, 8, 12, 7, 1, 14, 2, 13, 6, 15, 0, 9, 10, 4, 5, 3],
  [12, 1, 10, 15, 9, 2, 6, 8, 0, 13, 3, 4, 14, 7, 5, 11, 10, 15, 4, 2, 7, 12, 9, 5, 6, 1, 13, 14, 0, 11, 3, 8,
    9, 14, 15, 5, 2, 8, 12, 3, 7, 0, 4, 10, 1, 13, 11, 6, 4, 3, 2, 12, 9, 5, 15, 10, 11, 14, 1, 7, 6, 0, 8, 13],
  [4, 11, 2, 14, 15, 0, 8, 13, 3, 12, 9, 7, 5, 10, 6, 1, 13, 0, 11, 7, 4, 9, 1, 10, 14, 3, 5, 12, 2, 15, 8, 6,
    1, 4, 11, 13, 12, 3, 7, 14, 10, 15, 6, 8, 0, 5, 9, 2, 6, 11, 13, 8, 1, 4, 10, 7, 9, 5, 0, 15, 14, 2, 3, 12],
  [13, 2, 8, 4, 6, 15, 11, 1, 10, 9, 3, 14, 5, 0, 12, 7, 1, 15, 13, 8, 10, 3, 7, 4, 12, 5, 6, 11, 0, 14, 9, 2,
    7, 11, 4, 1, 9, 12, 14, 2, 0, 6, 10, 13, 15, 3, 5, 8, 2, 1, 14, 7, 4, 10, 8, 13, 15, 12, 9, 0, 3, 5, 6, 11],
];

/** SP[box * 64 + six input bits]: the S-box output moved to its place and put through P. */
const SP = (() => {
  const table = new Int32Array(8 * 64);
  for (let box = 0; box < 8; box++) {
    for (let v = 0; v < 64; v++) {
      const row = ((v >> 4) & 2) | (v & 1);
      const column = (v >> 1) & 15;
      const beforeP = S[box]![row * 16 + column]! << (28 - 4 * box);
      let afterP = 0;
      for (let bit = 0; bit < 32; bit++) {
        if ((beforeP >>> (32 - P[bit]!)) & 1) afterP |= 1 << (31 - bit);
      }
      table[box * 64 + v] = afterP;
    }
  }
  return table;
})();

/** A 64-bit permutation as eight 256-entry tables: entry (byte index, byte value) -> output [hi, lo]. */
function byteTables(permutation: number[]): Int32Array {
  const table = new Int32Array(8 * 256 * 2);
  for (let out = 0; out < 64; out++) {
    const source = permutation[out]! - 1;
    const byteIndex = source >> 3;
    const mask = 0x80 >> (source & 7);
    for (let value = 0; value < 256; value++) {
      if (value & mask) table[(byteIndex * 256 + value) * 2 + (out >> 5)]! |= 1 << (31 - (out & 31));
    }
  }
  return table;
}

const IP_TABLES = byteTables(IP);
const FP_TABLES = byteTables(IP.map((_, out) => IP.indexOf(out + 1) + 1));

/** The 16 round keys of one DES key, each as eight 6-bit values (FIPS 46-3, "Key Schedule"). */
function roundKeys(key: Uint8Array): Int32Array {
  const bit = (n: number) => (key[(n - 1) >> 3]! >> (7 - ((n - 1) & 7))) & 1;
  const cd = PC1.map(bit);
  const keys = new Int32Array(16 * 8);
  for (let round = 0; round < 16; round++) {
    for (let s = 0; s < SHIFTS[round]!; s++) {
      cd.splice(0, 28, ...cd.slice(1, 28), cd[0]!);
      cd.splice(28, 28, ...cd.slice(29, 56), cd[28]!);
    }
    for (let chunk = 0; chunk < 8; chunk++) {
      let value = 0;
      for (let b = 0; b < 6; b++) value = (value << 1) | cd[PC2[chunk * 6 + b]! - 1]!;
      keys[round * 8 + chunk] = value;
    }
  }
  return keys;
}

/** Round keys in reverse round order: DES decryption is encryption with the schedule reversed. */
function reversed(keys: Int32Array): Int32Array {
  const out = new Int32Array(keys.length);
  for (let round = 0; round < 16; round++) out.set(keys.subarray((15 - round) * 8, (16 - round) * 8), round * 8);
  return out;
}

function feistel(r: number, keys: Int32Array, round: number): number {
  // E expansion: box i reads bits 4i .. 4i+5 of R (1-based, bit 0 being bit 32), i.e. bits
  // 4i+1 .. 4i+6 of R rotated right by one; the last box wraps around.
  const e = (r >>> 1) | (r << 31);
  const k = round * 8;
  return (
    SP[((e >>> 26) ^ keys[k]!) & 63]! ^
    SP[64 + (((e >>> 22) ^ keys[k + 1]!) & 63)]! ^
    SP[128 + (((e >>> 18) ^ keys[k + 2]!) & 63)]! ^
    SP[192 + (((e >>> 14) ^ keys[k + 3]!) & 63)]! ^
    SP[256 + (((e >>> 10) ^ keys[k + 4]!) & 63)]! ^
    SP[320 + (((e >>> 6) ^ keys[k + 5]!) & 63)]! ^
    SP[384 + (((e >>> 2) ^ keys[k + 6]!) & 63)]! ^
    SP[448 + ((((e << 2) | (e >>> 30)) ^ keys[k + 7]!) & 63)]!
  );
}

/** Applies a byte-table permutation to the 64-bit block hi:lo, leaving the result in `halves`. */
function permute(tables: Int32Array, hi: number, lo: number, halves: Int32Array): void {
  let outHi = 0;
  let outLo = 0;
  for (let i = 0; i < 8; i++) {
    const byte = (i < 4 ? hi >>> (24 - 8 * i) : lo >>> (56 - 8 * i)) & 0xff;
    const entry = (i * 256 + byte) * 2;
    outHi |= tables[entry]!;
    outLo |= tables[entry + 1]!;
  }
  halves[0] = outHi;
  halves[1] = outLo;
}

/** DES-EDE3 block decryption with a 24-byte key K1 K2 K3: P = D_K1(E_K2(D_K3(C))). */
export function desEde3BlockDecrypt(key: Uint8Array): BlockDecrypt {
  if (key.length !== 24) throw new SmimeError('decryption-failed', 'The message could not be decrypted.');
  const stages = [reversed(roundKeys(key.subarray(16, 24))), roundKeys(key.subarray(8, 16)), reversed(roundKeys(key.subarray(0, 8)))];
  const halves = new Int32Array(2);
  return (data, offset) => {
    const word = (at: number) => (data[at]! << 24) | (data[at + 1]! << 16) | (data[at + 2]! << 8) | data[at + 3]!;
    permute(IP_TABLES, word(offset), word(offset + 4), halves);
    let l = halves[0]!;
    let r = halves[1]!;
    for (const keys of stages) {
      for (let round = 0; round < 16; round++) {
        const next = l ^ feistel(r, keys, round);
        l = r;
        r = next;
      }
      // Each DES ends with R16 L16; its final permutation and the next one's initial cancel.
      const swap = l;
      l = r;
      r = swap;
    }
    permute(FP_TABLES, l, r, halves);
    for (let i = 0; i < 4; i++) {
      data[offset + i] = halves[0]! >>> (24 - 8 * i);
      data[offset + i + 4] = halves[1]! >>> (24 - 8 * i);
    }
  };
}

/** Decrypts DES-EDE3-CBC and removes the PKCS#7 padding; any failure is 'decryption-failed'. */
export function decryptDesEde3Cbc(key: Uint8Array, iv: Uint8Array, ciphertext: Uint8Array): Uint8Array {
  return decryptCbcPkcs7(desEde3BlockDecrypt(key), iv, ciphertext);
}
