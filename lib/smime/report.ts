// What reading a message tells the UI and the CLI: per layer and per signer, what was checked and
// what failed, in plain words. The CLI's `inspect` prints a MessageReport as JSON.

/** The outcome of building and checking a signer's (or recipient's) certificate chain. */
export type ChainVerdict = 'trusted' | 'untrusted-root' | 'expired' | 'revoked' | 'wrong-usage' | 'unknown';

export type ContentCipherName =
  | 'aes-128-cbc'
  | 'aes-192-cbc'
  | 'aes-256-cbc'
  | 'aes-128-gcm'
  | 'aes-192-gcm'
  | 'aes-256-gcm'
  | 'des-ede3-cbc'
  | 'rc2-40'
  | 'rc2-64'
  | 'rc2-128';

export type KeyTransportName = 'rsa-pkcs1v15' | 'rsa-oaep' | 'ecdh' | 'x25519';

export type RevocationStatus = 'good' | 'revoked' | 'unknown' | 'not-checked';

export interface RevocationReport {
  status: RevocationStatus;
  source?: 'crl' | 'ocsp';
  /** ISO time the answer was produced or fetched. */
  checkedAt?: string;
  reason?: string;
}

export interface CertificateSummary {
  subject: string;
  issuer: string;
  serialNumber: string;
  notBefore: string;
  notAfter: string;
  sha1: string;
  sha256: string;
  emails: string[];
  keyUsage: string[];
  extendedKeyUsage: string[];
  keyAlgorithm: string;
  isCa: boolean;
  selfSigned: boolean;
}

export interface SignatureReport {
  /** The address the signer's certificate names (subjectAltName rfc822Name, else emailAddress); null when none. */
  signerEmail: string | null;
  /** The signature is mathematically valid over the content shown, and its signed attributes check out. */
  intact: boolean;
  chain: ChainVerdict;
  /** The message's single From addr-spec is one of the certificate's addresses. */
  fromMatchesSigner: boolean;
  /** ISO time from the signingTime attribute, if any (claimed by the signer, not proven). */
  signingTime: string | null;
  /** e.g. "rsa-pkcs1-sha256", "rsa-pss-sha256", "ecdsa-p256-sha256", "ed25519". */
  algorithm: string;
  /** SHA-1 or MD5 digests, RSA keys under 2048 bits. */
  weakAlgorithm: boolean;
  /** Plain sentences: each thing that failed or needs the user's attention. Empty when all is well. */
  reasons: string[];
  certificate: CertificateSummary | null;
  /** Signer certificate first, then issuers up to the anchor (when a path was found). */
  chainCertificates: CertificateSummary[];
  revocation: RevocationReport;
  /** OIDs of the SMIMECapabilities the signer announced, in its order of preference; null when none. */
  capabilities: string[] | null;
  /** The certificate the signer asks to be encrypted to (EncryptionKeyPreference), when the message carries it. */
  encryptionCertificate: CertificateSummary | null;
}

export type LayerKind = 'clear-signed' | 'opaque-signed' | 'enveloped' | 'auth-enveloped' | 'compressed' | 'certs-only';

export interface LayerReport {
  kind: LayerKind;
  /** Where in the MIME tree the layer sits: "" for the root, else "1.2" style part numbers of the outer message. */
  partPath: string;
  /** For encryption layers. */
  contentCipher?: ContentCipherName;
  keyTransport?: KeyTransportName;
  weakCipher?: boolean;
  /** For encryption layers: true only for AuthEnvelopedData (GCM): CBC has no integrity of its own. */
  integrityProtected?: boolean;
  /** For signature layers: one per SignerInfo. */
  signatures?: SignatureReport[];
  /**
   * For signature layers: what the signers signed. 'encrypted-content' when the layer wraps an
   * encryption layer: they signed ciphertext whose plaintext they may never have seen (encrypt-
   * then-sign, or an outer signature added to someone else's message: Strenzke's message takeover).
   */
  signs?: 'content' | 'encrypted-content';
  /** For certs-only layers (and any certificates a signed layer carried). */
  certificates?: CertificateSummary[];
  errors: ReportError[];
}

export interface ReportError {
  code: string;
  message: string;
}

export interface AttachmentReport {
  filename: string | null;
  contentType: string;
  size: number;
  sha256: string;
}

/** RFC 9788 header protection: the header fields the sender put inside the cryptographic layers. */
export interface ProtectedHeadersReport {
  /** The payload's hp parameter as honoured: "cipher" only when the message really was encrypted. */
  mode: 'clear' | 'cipher';
  /** The protected user-facing fields (From, To, Cc, Subject, Date, Reply-To, Message-ID, In-Reply-To, References), RFC 2047 decoded. */
  fields: { name: string; value: string }[];
  /**
   * Outer fields that do not say what the sender put outside (the protected value, or with "cipher"
   * its HP-Outer record): changed or added in transit. `outer` is what the outer copy said.
   */
  outerDiffers: { name: string; outer: string }[];
  /**
   * With "cipher": the protected fields the sender kept confidential, by its HP-Outer record (left
   * out of the outer header, or sent obscured such as Subject "[...]"). A reply keeps them so.
   */
  confidential: string[];
}

export interface MessageReport {
  encrypted: boolean;
  contentCipher: ContentCipherName | null;
  keyTransport: KeyTransportName | null;
  weakCipher: boolean;
  /**
   * The whole message (the MIME root after decryption) is covered by signatures that are all
   * intact; says nothing about trust (see signatures[].chain). A signature only over ciphertext
   * (layers[].signs 'encrypted-content') does not make the content "signed".
   */
  signed: boolean;
  /**
   * For encrypted messages, what protects the decrypted content against change: 'aead' when every
   * encryption layer is AuthEnvelopedData (GCM); 'signed-inside' when intact signatures inside the
   * innermost CBC layer cover it; 'none' for CBC alone, which an attacker can change block by block
   * unnoticed (EFAIL malleability gadgets). null when the message is not encrypted.
   */
  encryptionIntegrity: 'aead' | 'signed-inside' | 'none' | null;
  /** Some part is signed but not the root: never to be shown as "signed". */
  partial: boolean;
  signatures: SignatureReport[];
  layers: LayerReport[];
  /** The plain-text body shown to the user (text/plain, else text derived from HTML). */
  text: string;
  attachments: AttachmentReport[];
  /** Present only when the MIME root, inside intact signatures or an opened envelope, declares header protection (RFC 9788). */
  protectedHeaders?: ProtectedHeadersReport;
  errors: ReportError[];
}
