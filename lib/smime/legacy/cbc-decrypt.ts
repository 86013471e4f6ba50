// CBC decryption and PKCS#7 padding removal (RFC 5652 section 6.3) for the 8-byte-block legacy
// ciphers. Every failure is the same 'decryption-failed', so a caller cannot be used as a padding
// oracle.
import { SmimeError } from '../errors';

const BLOCK = 8;

/** Decrypts the 8 bytes at `offset` of `data` in place. */
export type BlockDecrypt = (data: Uint8Array, offset: number) => void;

export function decryptCbcPkcs7(decryptBlock: BlockDecrypt, iv: Uint8Array, ciphertext: Uint8Array): Uint8Array {
  if (iv.length !== BLOCK || ciphertext.length === 0 || ciphertext.length % BLOCK !== 0) fail();
  const plain = new Uint8Array(ciphertext);
  for (let offset = 0; offset < plain.length; offset += BLOCK) {
    decryptBlock(plain, offset);
    const previous = offset === 0 ? iv : ciphertext.subarray(offset - BLOCK, offset);
    for (let i = 0; i < BLOCK; i++) plain[offset + i]! ^= previous[i]!;
  }
  // Check every padding byte without an early exit.
  const pad = plain[plain.length - 1]!;
  let bad = pad === 0 || pad > BLOCK ? 1 : 0;
  for (let i = 1; i <= BLOCK; i++) {
    const inPadding = i <= pad ? 1 : 0;
    bad |= inPadding & (plain[plain.length - i]! !== pad ? 1 : 0);
  }
  if (bad) fail();
  return plain.slice(0, plain.length - pad);
}

function fail(): never {
  throw new SmimeError('decryption-failed', 'The message could not be decrypted.');
}
