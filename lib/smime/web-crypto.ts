// WebCrypto as the engine sees it: the platform's own (browser, Node 20's globalThis.crypto), or
// one a caller installs (a smart-card provider built on webcrypto-core, issue 6).

let installed: Crypto | null = null;

export function webCrypto(): Crypto {
  if (installed) return installed;
  const platform = (globalThis as { crypto?: Crypto }).crypto;
  if (!platform?.subtle) throw new Error('This platform has no WebCrypto (crypto.subtle).');
  return platform;
}

/** Replaces the Crypto every engine operation uses; null restores the platform's. */
export function installWebCrypto(crypto: Crypto | null): void {
  installed = crypto;
}

export type HashName = 'SHA-1' | 'SHA-256' | 'SHA-384' | 'SHA-512';

export async function digest(hash: HashName, data: Uint8Array): Promise<Uint8Array> {
  return new Uint8Array(await webCrypto().subtle.digest(hash, data as Uint8Array<ArrayBuffer>));
}

/** A copy backed by its own ArrayBuffer, which WebCrypto's BufferSource typing wants. */
export function ownBuffer(bytes: Uint8Array): Uint8Array<ArrayBuffer> {
  return new Uint8Array(bytes) as Uint8Array<ArrayBuffer>;
}
