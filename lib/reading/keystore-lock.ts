// The keystore (lib/keystore, built beside the reader) throws KeystoreLockedError while its
// passphrase lock is on, and may offer requestUnlock(). The reader knows neither by import, so
// that it works against any IdentitySource: both are recognised by shape.

/** True for the keystore's "locked" error: its class name, or a `code` of 'keystore-locked'. */
export function isKeystoreLocked(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const e = error as { name?: unknown; code?: unknown };
  return e.name === 'KeystoreLockedError' || e.code === 'keystore-locked';
}

/** The identity source's unlock prompt, when it has one (asks the user for the passphrase). */
export function unlockFunction(source: object | undefined | null): (() => Promise<unknown>) | null {
  const candidate = (source as { requestUnlock?: unknown } | null | undefined)?.requestUnlock;
  return typeof candidate === 'function' ? () => Promise.resolve(candidate.call(source)) : null;
}
