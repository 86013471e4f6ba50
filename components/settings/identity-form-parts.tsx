'use client';

import { useState } from 'react';

import { isKeystoreError } from '@/lib/keystore/errors';

// Small pieces the identity forms share: running an action with busy and error state (the
// fields keep what was typed when it fails), and the error line.

export function keystoreMessage(error: unknown, fallback: string): string {
  return isKeystoreError(error) ? error.message : fallback;
}

export function useAction() {
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  /** Runs `work`; true when it succeeded. */
  async function run(work: () => Promise<void>, fallback = 'That did not work. Try again.'): Promise<boolean> {
    setBusy(true);
    setError(null);
    try {
      await work();
      return true;
    } catch (e) {
      setError(keystoreMessage(e, fallback));
      return false;
    } finally {
      setBusy(false);
    }
  }
  return { error, setError, busy, run };
}

export function FormError({ error }: { error: string | null }) {
  return error ? (
    <p role="alert" className="form-error">
      {error}
    </p>
  ) : null;
}

/** "2027-03-01" from a date (UTC, as the app's e2e pins it). */
export function day(date: Date | string): string {
  return new Date(date).toISOString().slice(0, 10);
}

/** Hands bytes to the browser as a file download (a blob: URL made and revoked here). */
export function downloadBytes(bytes: Uint8Array, filename: string, type: string): void {
  const url = URL.createObjectURL(new Blob([bytes as Uint8Array<ArrayBuffer>], { type }));
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
