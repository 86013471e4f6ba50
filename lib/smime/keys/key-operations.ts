// The one interface every private-key operation goes through, so a soft key (PKCS#8 in WebCrypto,
// keys/soft-key.ts) and a smart card (lib/webusb-token, issue 6) are interchangeable. The engine
// never sees private key bytes: it asks for a signature, a key-transport decryption or an ECDH
// shared secret, and the implementation decides how long any key material lives.
import type * as pkijs from 'pkijs';

import type { HashName } from '../web-crypto';

export type KeyKind = 'rsa' | 'ec' | 'ed25519' | 'x25519';
export type NamedCurve = 'P-256' | 'P-384' | 'P-521';

export type SignatureScheme =
  | { scheme: 'rsa-pkcs1'; hash: HashName }
  /** saltLength in bytes; RFC 8702/4056 senders use the hash length. */
  | { scheme: 'rsa-pss'; hash: HashName; saltLength: number }
  | { scheme: 'ecdsa'; hash: HashName }
  | { scheme: 'ed25519' };

export type KeyTransportPadding =
  /** The CEK length is known from the content cipher: implicit rejection returns that many random bytes on bad padding. */
  | { padding: 'pkcs1v15'; keyLength: number }
  | { padding: 'oaep'; hash: HashName; label?: Uint8Array };

export interface KeyOperations {
  readonly kind: KeyKind;
  /** For EC keys. */
  readonly curve?: NamedCurve;
  /** RSA modulus length in bits. */
  readonly modulusBits?: number;
  /**
   * Signs `data` (the DER of the signed attributes, or the content when there are none). Returns
   * the signature as CMS carries it: PKCS#1/PSS bytes, DER ECDSA-Sig-Value, or raw Ed25519.
   */
  sign?(data: Uint8Array, scheme: SignatureScheme): Promise<Uint8Array>;
  /** RSA key transport (KeyTransRecipientInfo): the decrypted content-encryption key. */
  decryptKeyTransport?(encryptedKey: Uint8Array, padding: KeyTransportPadding): Promise<Uint8Array>;
  /** ECDH or X25519 (KeyAgreeRecipientInfo): the raw shared secret Z with the originator's key (SPKI DER). */
  deriveSharedSecret?(originatorPublicKey: Uint8Array): Promise<Uint8Array>;
}

/** A certificate with the key that goes with it: what signing and decrypting need. */
export interface Identity {
  certificate: pkijs.Certificate;
  key: KeyOperations;
  /** Intermediates (not the root) to include when signing. */
  chain?: pkijs.Certificate[];
}

type AllOperations = Required<Pick<KeyOperations, 'sign' | 'decryptKeyTransport' | 'deriveSharedSecret'>>;

/** KeyOperations offering only what a key of this kind can do (RSA: sign and key transport; EC: sign and ECDH; …). */
export function operationsForKind(shape: Pick<KeyOperations, 'kind' | 'curve' | 'modulusBits'>, { sign, decryptKeyTransport, deriveSharedSecret }: AllOperations): KeyOperations {
  switch (shape.kind) {
    case 'rsa':
      return { kind: 'rsa', modulusBits: shape.modulusBits, sign, decryptKeyTransport };
    case 'ec':
      return { kind: 'ec', curve: shape.curve, sign, deriveSharedSecret };
    case 'ed25519':
      return { kind: 'ed25519', sign };
    case 'x25519':
      return { kind: 'x25519', deriveSharedSecret };
  }
}
