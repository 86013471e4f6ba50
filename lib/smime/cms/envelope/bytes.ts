// Small byte-string helpers for the envelope code.
import { webCrypto } from '../../web-crypto';

export function randomBytes(length: number): Uint8Array {
  return webCrypto().getRandomValues(new Uint8Array(length));
}

/**
 * `bytes` itself when WebCrypto can take it (a view of a plain ArrayBuffer, offset or not), else a
 * copy: WebCrypto refuses SharedArrayBuffer views. Unlike ownBuffer, no copy of a large message.
 */
export function webCryptoView(bytes: Uint8Array): Uint8Array<ArrayBuffer> {
  return bytes.buffer instanceof ArrayBuffer ? (bytes as Uint8Array<ArrayBuffer>) : new Uint8Array(bytes);
}
