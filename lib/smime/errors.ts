// The S/MIME engine's coded errors: one string union, so callers and tests match codes, never
// message texts (house style: openpgpjs, MimeKit). Messages are plain sentences a UI may show.

export type SmimeErrorCode =
  /** A key or certificate structure that cannot be read. */
  | 'malformed-key'
  /** A ciphertext of the wrong length or out of range for the key: nothing secret is revealed. */
  | 'malformed-ciphertext'
  /** A plaintext too long for the key's padding. */
  | 'message-too-long'
  /** DER/BER that does not parse, has trailing bytes, or is not the structure expected. */
  | 'malformed-asn1'
  /** A CMS structure (ContentInfo, SignedData, EnvelopedData, ...) that breaks its own rules. */
  | 'malformed-cms'
  /** MIME that cannot be taken apart (no boundary, no body, bad transfer encoding). */
  | 'malformed-mime'
  /** A certificate (or bundle of them) that cannot be read. */
  | 'malformed-certificate'
  /** An algorithm we do not implement, or refuse to use (RC2 or 3DES on send). */
  | 'unsupported-algorithm'
  /** None of the identities given can open this envelope. */
  | 'no-matching-recipient'
  /** Decryption failed: one code for every cause (padding, tag, wrong key), so no oracle. */
  | 'decryption-failed'
  /** A PKCS#12 password that does not open the file (MAC or decryption fails). */
  | 'wrong-password'
  /** Hostile or absurd input hit a cap (ASN.1 depth, nesting, iterations, size, part count). */
  | 'limit-exceeded'
  /** A certificate that is needed and not at hand (signer, recipient, issuer). */
  | 'missing-certificate'
  /** The private-key operation failed (card removed, key refused the algorithm). */
  | 'key-operation-failed'
  /**
   * The key cannot be used now: card removed, PIN not given, wrong or blocked. Not a verdict on
   * the message (it says nothing about its bytes), so decryption lets it through; `cause` keeps
   * the card's own error (a TokenError with its code and tries left).
   */
  | 'key-unavailable'
  /** A CRL, OCSP or AIA fetch that failed (network down, too large, refused by the proxy). */
  | 'fetch-failed'
  /** A caller passed options that do not fit together. */
  | 'invalid-argument'
  /** An S/MIME part below the message's root, left unopened: only the root layer is decrypted (EFAIL). */
  | 'not-at-root';

export class SmimeError extends Error {
  constructor(
    readonly code: SmimeErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'SmimeError';
  }
}

export function isSmimeError(error: unknown): error is SmimeError {
  return error instanceof SmimeError;
}
