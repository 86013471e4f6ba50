// The administrator's S/MIME policy: set in the server's configuration, sent to the browser, and
// enforced there (the browser does all S/MIME work). Shown read-only in settings.
import type { EncryptOptions } from '../smime';

export type SendCipherChoice = NonNullable<EncryptOptions['cipher']>;
export type SignatureHash = 'SHA-256' | 'SHA-384' | 'SHA-512' | 'SHA-1';
export type RevocationMode = 'off' | 'soft-fail' | 'hard-fail';

export interface SecurityPolicy {
  /** Every message is signed; the Sign toggle is on and cannot be turned off. */
  requireSigning: boolean;
  /** Every message is encrypted; the Encrypt toggle is on and cannot be turned off. */
  requireEncryption: boolean;
  /** Content ciphers the composer may use, best first. Never RC2 or 3DES. */
  allowedSendCiphers: SendCipherChoice[];
  /** Smallest RSA modulus accepted for signing keys and recipients' keys. */
  minRsaBits: number;
  /** Hashes a signature may use to count as verified (and that we sign with). */
  allowedSignatureHashes: SignatureHash[];
  /** The user may choose to send an unencrypted copy to a recipient without a usable certificate. */
  allowUnencryptedToRecipientsWithoutCertificate: boolean;
  revocation: RevocationMode;
  /** How messages are signed unless the user chooses otherwise. */
  defaultSigningFormat: 'clear' | 'opaque';
  /** Every client in the organisation reads AES-GCM (AuthEnvelopedData): use it even without capabilities. */
  everyoneReadsGcm: boolean;
}

export const DEFAULT_SECURITY_POLICY: SecurityPolicy = {
  requireSigning: false,
  requireEncryption: false,
  allowedSendCiphers: ['aes-256-gcm', 'aes-256-cbc', 'aes-128-gcm', 'aes-128-cbc'],
  minRsaBits: 2048,
  allowedSignatureHashes: ['SHA-256', 'SHA-384', 'SHA-512'],
  allowUnencryptedToRecipientsWithoutCertificate: true,
  revocation: 'soft-fail',
  defaultSigningFormat: 'clear',
  everyoneReadsGcm: false,
};

/** Every content cipher the composer can be allowed to send with, strongest first. */
export const SEND_CIPHERS: readonly SendCipherChoice[] = ['aes-256-gcm', 'aes-128-gcm', 'aes-256-cbc', 'aes-192-cbc', 'aes-128-cbc'];

export const SIGNATURE_HASHES: readonly SignatureHash[] = ['SHA-256', 'SHA-384', 'SHA-512', 'SHA-1'];
