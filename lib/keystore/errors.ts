// The keystore's coded errors. Messages are plain sentences the UI shows as they are; callers
// match the class or the code, never the text.

export type KeystoreErrorCode =
  /** The passphrase lock is on: unlock first. */
  | 'locked'
  /** The keystore passphrase given is not the one set. */
  | 'wrong-passphrase'
  /** The password does not open the PKCS#12 file. */
  | 'wrong-password'
  /** The file is not a PKCS#12 file we can read. */
  | 'unreadable-file'
  /** The PKCS#12 file holds no private key with its certificate. */
  | 'no-identity'
  /** A stored key that does not decrypt or parse (damaged record, tampered database). */
  | 'corrupt-key'
  /** No identity with that id. */
  | 'not-found'
  /** A caller's argument that cannot be used (empty label, passphrase too short). */
  | 'invalid-argument'
  /** IndexedDB is missing or refused to open (private mode, storage full). */
  | 'unavailable';

export class KeystoreError extends Error {
  constructor(
    readonly code: KeystoreErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'KeystoreError';
  }
}

/** Thrown by every operation that needs a private key while the passphrase lock is on. */
export class KeystoreLockedError extends KeystoreError {
  constructor() {
    super('locked', 'Your keys are locked. Enter your keystore passphrase to unlock them.');
    this.name = 'KeystoreLockedError';
  }
}

export function isKeystoreError(error: unknown, code?: KeystoreErrorCode): error is KeystoreError {
  return error instanceof KeystoreError && (code === undefined || error.code === code);
}
