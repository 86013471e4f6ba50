// The non-extractable WebCrypto keys made from one PKCS#8 key, for the operations WebCrypto can
// do itself. An RSA CryptoKey is bound to one algorithm and one hash, so an RSA key becomes four:
// PKCS#1 v1.5 and PSS signing with SHA-256, OAEP decryption with SHA-1 and with SHA-256 (what
// senders use). Everything else (PKCS#1 v1.5 key transport, other hashes, Ed25519, X25519) goes
// through the wrapped PKCS#8, unwrapped for one operation (keystore-key.ts).
import type { Pkcs8Description } from '@/lib/smime/keys/soft-key';
import { ownBuffer, webCrypto } from '@/lib/smime/web-crypto';

export interface KeyHandles {
  rsaPkcs1Sha256?: CryptoKey;
  rsaPssSha256?: CryptoKey;
  rsaOaepSha1?: CryptoKey;
  rsaOaepSha256?: CryptoKey;
  ecdsa?: CryptoKey;
  ecdh?: CryptoKey;
}

/**
 * Imports what fits. A key WebCrypto refuses in one form (an id-RSASSA-PSS key as OAEP, say) is
 * simply left out: its operations take the wrapped path instead.
 */
export async function importKeyHandles(pkcs8: Uint8Array, description: Pkcs8Description): Promise<KeyHandles> {
  const subtle = webCrypto().subtle;
  const attempt = async (algorithm: RsaHashedImportParams | EcKeyImportParams, usage: KeyUsage): Promise<CryptoKey | undefined> => {
    try {
      return await subtle.importKey('pkcs8', ownBuffer(pkcs8), algorithm, false, [usage]);
    } catch {
      return undefined;
    }
  };
  const handles: KeyHandles = {};
  if (description.kind === 'rsa') {
    handles.rsaPkcs1Sha256 = await attempt({ name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' }, 'sign');
    handles.rsaPssSha256 = await attempt({ name: 'RSA-PSS', hash: 'SHA-256' }, 'sign');
    handles.rsaOaepSha1 = await attempt({ name: 'RSA-OAEP', hash: 'SHA-1' }, 'decrypt');
    handles.rsaOaepSha256 = await attempt({ name: 'RSA-OAEP', hash: 'SHA-256' }, 'decrypt');
  } else if (description.kind === 'ec' && description.curve) {
    handles.ecdsa = await attempt({ name: 'ECDSA', namedCurve: description.curve }, 'sign');
    handles.ecdh = await attempt({ name: 'ECDH', namedCurve: description.curve }, 'deriveBits');
  }
  for (const name of Object.keys(handles) as (keyof KeyHandles)[]) if (!handles[name]) delete handles[name];
  return handles;
}
