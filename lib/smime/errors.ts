// The S/MIME engine's coded errors: one string union, so callers and tests match codes, never
// message texts (house style: openpgpjs, MimeKit).

export type SmimeErrorCode =
  /** A key or certificate structure that cannot be read. */
  | 'malformed-key'
  /** A ciphertext of the wrong length or out of range for the key: nothing secret is revealed. */
  | 'malformed-ciphertext'
  /** A plaintext too long for the key's padding. */
  | 'message-too-long';

export class SmimeError extends Error {
  constructor(
    readonly code: SmimeErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'SmimeError';
  }
}
