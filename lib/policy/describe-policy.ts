// The policy in plain words, for Settings → Policy and Settings → Trust (read-only: the
// administrator sets it in the server's configuration).
import type { RevocationMode, SecurityPolicy, SendCipherChoice } from './security-policy';

export interface PolicyLine {
  /** What the setting is about, e.g. "Signing". */
  topic: string;
  /** What it means for the user, a sentence. */
  meaning: string;
}

const CIPHER_NAMES: Record<SendCipherChoice, string> = {
  'aes-256-gcm': 'AES-256-GCM',
  'aes-128-gcm': 'AES-128-GCM',
  'aes-256-cbc': 'AES-256-CBC',
  'aes-192-cbc': 'AES-192-CBC',
  'aes-128-cbc': 'AES-128-CBC',
};

const REVOCATION: Record<RevocationMode, string> = {
  off: 'Off: certificates are not checked for revocation.',
  'soft-fail': 'Soft-fail: revoked certificates are refused; when the revocation status cannot be checked, the certificate is still accepted.',
  'hard-fail': 'Hard-fail: revoked certificates are refused, and so are certificates whose revocation status cannot be checked.',
};

export function describeRevocation(mode: RevocationMode): string {
  return REVOCATION[mode];
}

export function describePolicy(policy: SecurityPolicy): PolicyLine[] {
  return [
    { topic: 'Signing', meaning: policy.requireSigning ? 'Every message must be signed.' : 'Signing each message is your choice.' },
    { topic: 'Encryption', meaning: policy.requireEncryption ? 'Every message must be encrypted.' : 'Encrypting each message is your choice.' },
    {
      topic: 'Recipients without a certificate',
      meaning: policy.allowUnencryptedToRecipientsWithoutCertificate
        ? 'You may choose to send them an unencrypted copy of an encrypted message.'
        : 'An encrypted message cannot be sent to them: no unencrypted copies.',
    },
    {
      topic: 'Default signing format',
      meaning: policy.defaultSigningFormat === 'clear'
        ? 'Clear-signed: readable in any mail program, the signature attached.'
        : 'Opaque-signed: readable only in mail programs with S/MIME.',
    },
    { topic: 'Encryption ciphers for sending', meaning: `${policy.allowedSendCiphers.map((c) => CIPHER_NAMES[c]).join(', ')}.` },
    {
      topic: 'AES-GCM',
      meaning: policy.everyoneReadsGcm
        ? "Every mail program in the organisation reads AES-GCM, so it is used for all recipients."
        : 'AES-GCM is used only for recipients known to read it.',
    },
    { topic: 'Smallest RSA key', meaning: `${policy.minRsaBits} bits, for signers and recipients alike.` },
    { topic: 'Signature hashes accepted', meaning: `${policy.allowedSignatureHashes.join(', ')}.` },
    { topic: 'Revocation checking', meaning: describeRevocation(policy.revocation) },
  ];
}
