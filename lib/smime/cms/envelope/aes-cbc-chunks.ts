// AES-CBC over a large message in pieces of CHUNK_BYTES, so neither we nor WebCrypto (which copies
// its input, and in browsers its output, across threads) hold more than one piece besides the
// message and the result: the ciphertext goes straight into its place in the envelope DER, the
// plaintext into one buffer. The bytes are exactly those of one WebCrypto call over the whole
// message (CBC chains through the last ciphertext block; PKCS#7 padding, RFC 5652 6.3, only at
// the end), and the padding check of decryption stays WebCrypto's own, on the real last block.
import { webCrypto } from '../../web-crypto';
import { webCryptoView } from './bytes';

const BLOCK = 16;
/** A multiple of the block size; the memory beyond the message is a few times this. */
export const CHUNK_BYTES = 1 << 20;

/** The ciphertext length of `plaintextLength` bytes: padded to the next whole block (a full block when aligned). */
export function cbcCiphertextLength(plaintextLength: number): number {
  return (Math.floor(plaintextLength / BLOCK) + 1) * BLOCK;
}

/** Encrypts `plaintext` into `out`, which is exactly cbcCiphertextLength(plaintext.length) long. */
export async function encryptCbcInto(key: CryptoKey, iv: Uint8Array, plaintext: Uint8Array, out: Uint8Array): Promise<void> {
  if (out.length !== cbcCiphertextLength(plaintext.length)) throw new Error('encryptCbcInto: the output is not the ciphertext length.');
  const subtle = webCrypto().subtle;
  let chain = iv;
  let offset = 0;
  while (plaintext.length - offset > CHUNK_BYTES) {
    const piece = plaintext.subarray(offset, offset + CHUNK_BYTES);
    const sealed = new Uint8Array(await subtle.encrypt({ name: 'AES-CBC', iv: webCryptoView(chain) }, key, webCryptoView(piece)));
    // WebCrypto pads every call: the block after this piece's ciphertext is that padding, dropped.
    out.set(sealed.subarray(0, CHUNK_BYTES), offset);
    offset += CHUNK_BYTES;
    chain = out.slice(offset - BLOCK, offset);
  }
  const last = new Uint8Array(await subtle.encrypt({ name: 'AES-CBC', iv: webCryptoView(chain) }, key, webCryptoView(plaintext.subarray(offset))));
  out.set(last, offset);
}

/**
 * Decrypts with `key` (imported for both 'encrypt' and 'decrypt'); throws WebCrypto's error when the
 * length or the final padding is wrong. The result may be a view into a buffer up to 16 bytes longer.
 * Each piece's IV is the ciphertext block before it, so pieces decrypt independently: a few at a
 * time, which keeps WebCrypto's worker threads busy.
 */
export async function decryptCbc(key: CryptoKey, iv: Uint8Array, ciphertext: Uint8Array): Promise<Uint8Array> {
  if (ciphertext.length === 0 || ciphertext.length % BLOCK !== 0) throw new Error('The AES-CBC ciphertext is not a whole number of blocks.');
  const out = new Uint8Array(ciphertext.length);
  const pieceCount = Math.ceil(ciphertext.length / CHUNK_BYTES);
  const lastOffset = (pieceCount - 1) * CHUNK_BYTES;
  const chainAt = (offset: number) => (offset === 0 ? iv.slice() : ciphertext.slice(offset - BLOCK, offset));
  // A piece alone ends without padding, which decryption would refuse. Two blocks after it, ZERO
  // and E(16 x 0x10) (one WebCrypto call with IV zero), decrypt to a discarded block and a full
  // padding block, which WebCrypto checks and removes.
  const tail = new Uint8Array(2 * BLOCK);
  if (pieceCount > 1) tail.set(new Uint8Array(await webCrypto().subtle.encrypt({ name: 'AES-CBC', iv: new Uint8Array(BLOCK) }, key, FULL_PADDING)).subarray(0, BLOCK), BLOCK);
  let next = 0;
  const worker = async () => {
    // WebCrypto copies its input when called, so one buffer per worker serves every piece.
    const padded = new Uint8Array(CHUNK_BYTES + tail.length);
    padded.set(tail, CHUNK_BYTES);
    for (let index = next++; index < pieceCount - 1; index = next++) {
      const offset = index * CHUNK_BYTES;
      padded.set(ciphertext.subarray(offset, offset + CHUNK_BYTES));
      const plain = new Uint8Array(await webCrypto().subtle.decrypt({ name: 'AES-CBC', iv: chainAt(offset) }, key, padded));
      out.set(plain.subarray(0, CHUNK_BYTES), offset);
    }
  };
  let lastLength = 0;
  const decryptLast = async () => {
    const plain = new Uint8Array(await webCrypto().subtle.decrypt({ name: 'AES-CBC', iv: chainAt(lastOffset) }, key, webCryptoView(ciphertext.subarray(lastOffset))));
    out.set(plain, lastOffset);
    lastLength = plain.length;
  };
  await Promise.all([decryptLast(), ...Array.from({ length: Math.min(PARALLEL_PIECES, pieceCount - 1) }, worker)]);
  return out.subarray(0, lastOffset + lastLength);
}

const PARALLEL_PIECES = 2;
const FULL_PADDING = new Uint8Array(BLOCK).fill(BLOCK);
