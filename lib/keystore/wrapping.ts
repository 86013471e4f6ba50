// How PKCS#8 keys rest in IndexedDB: AES-256-GCM under a wrapping key that never leaves WebCrypto,
// either a random non-extractable key kept in IndexedDB ("device" protection) or one derived from
// the user's keystore passphrase with PBKDF2-SHA-256 (kept in memory only while unlocked). The
// record's id is the GCM additional data, so a wrapped key moved onto another record fails to open.
import { ownBuffer, webCrypto } from '@/lib/smime/web-crypto';

import { KeystoreError } from './errors';

/** OWASP's 2023 figure for PBKDF2-HMAC-SHA256. */
export const PASSPHRASE_ITERATIONS = 600_000;

export interface Sealed {
  iv: Uint8Array;
  ciphertext: Uint8Array;
}

const subtle = () => webCrypto().subtle;
const encoder = new TextEncoder();

export function randomBytes(length: number): Uint8Array {
  return webCrypto().getRandomValues(new Uint8Array(length));
}

/** The random wrapping key of device protection: non-extractable, so script can use it but never read it. */
export function newDeviceKey(): Promise<CryptoKey> {
  return subtle().generateKey({ name: 'AES-GCM', length: 256 }, false, ['encrypt', 'decrypt']) as Promise<CryptoKey>;
}

export async function passphraseKey(passphrase: string, salt: Uint8Array, iterations: number): Promise<CryptoKey> {
  const material = await subtle().importKey('raw', ownBuffer(encoder.encode(passphrase)), 'PBKDF2', false, ['deriveKey']);
  return subtle().deriveKey(
    { name: 'PBKDF2', hash: 'SHA-256', salt: ownBuffer(salt), iterations },
    material,
    { name: 'AES-GCM', length: 256 },
    false,
    ['encrypt', 'decrypt'],
  );
}

export async function seal(key: CryptoKey, plaintext: Uint8Array, context: string): Promise<Sealed> {
  const iv = randomBytes(12);
  const ciphertext = await subtle().encrypt({ name: 'AES-GCM', iv: ownBuffer(iv), additionalData: ownBuffer(encoder.encode(context)) }, key, ownBuffer(plaintext));
  return { iv, ciphertext: new Uint8Array(ciphertext) };
}

/** Opens what seal() made with the same key and context; anything else is 'corrupt-key'. */
export async function unseal(key: CryptoKey, sealed: Sealed, context: string): Promise<Uint8Array> {
  try {
    const plain = await subtle().decrypt(
      { name: 'AES-GCM', iv: ownBuffer(sealed.iv), additionalData: ownBuffer(encoder.encode(context)) },
      key,
      ownBuffer(sealed.ciphertext),
    );
    return new Uint8Array(plain);
  } catch (error) {
    throw new KeystoreError('corrupt-key', 'A stored key could not be opened: the key store is damaged.', { cause: error });
  }
}

// A known plaintext sealed under the passphrase key: opening it is how a passphrase is checked
// (the GCM tag fails for any other key) without trying a real private key.
const CHECK_TEXT = 'sealpost keystore passphrase check';
const CHECK_CONTEXT = 'passphrase-check';

export function passphraseCheck(key: CryptoKey): Promise<Sealed> {
  return seal(key, encoder.encode(CHECK_TEXT), CHECK_CONTEXT);
}

export async function passphraseMatches(key: CryptoKey, check: Sealed): Promise<boolean> {
  try {
    await unseal(key, check, CHECK_CONTEXT);
    return true;
  } catch {
    return false;
  }
}

/** Overwrites key bytes once they are no longer needed (BigInts and strings cannot be; buffers can). */
export function wipe(bytes: Uint8Array | null | undefined): void {
  bytes?.fill(0);
}
