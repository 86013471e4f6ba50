// AES key wrap (RFC 3394, id-aes*-wrap of RFC 3565) through WebCrypto's AES-KW. WebCrypto wraps and
// unwraps CryptoKeys only, so the content key travels as an extractable HMAC key (any length).
import { OID } from '../../oids';
import { ownBuffer, webCrypto } from '../../web-crypto';

export const KEY_WRAP_LENGTHS: Record<string, number> = { [OID.aes128Wrap]: 16, [OID.aes192Wrap]: 24, [OID.aes256Wrap]: 32 };

export function keyWrapOid(kekLength: number): string {
  const oid = Object.keys(KEY_WRAP_LENGTHS).find((o) => KEY_WRAP_LENGTHS[o] === kekLength);
  if (!oid) throw new RangeError(`no AES key wrap for a ${kekLength}-byte key`);
  return oid;
}

const CEK_AS_HMAC: HmacImportParams = { name: 'HMAC', hash: 'SHA-256' };

/** Unwraps; throws (any error) when the integrity check fails. */
export async function aesKeyUnwrap(kek: Uint8Array, wrapped: Uint8Array): Promise<Uint8Array> {
  const subtle = webCrypto().subtle;
  const wrappingKey = await subtle.importKey('raw', ownBuffer(kek), 'AES-KW', false, ['unwrapKey']);
  const cek = await subtle.unwrapKey('raw', ownBuffer(wrapped), wrappingKey, 'AES-KW', CEK_AS_HMAC, true, ['sign']);
  return new Uint8Array(await subtle.exportKey('raw', cek));
}

export async function aesKeyWrap(kek: Uint8Array, cek: Uint8Array): Promise<Uint8Array> {
  const subtle = webCrypto().subtle;
  const wrappingKey = await subtle.importKey('raw', ownBuffer(kek), 'AES-KW', false, ['wrapKey']);
  const key = await subtle.importKey('raw', ownBuffer(cek), CEK_AS_HMAC, true, ['sign']);
  return new Uint8Array(await subtle.wrapKey('raw', key, wrappingKey, 'AES-KW'));
}
