'use client';

import { useRouter } from 'next/navigation';
import { type FormEvent, useState } from 'react';

import { api, errorMessage } from '@/lib/api/client';

/**
 * The sign-in form. Errors are the server's user-safe messages ("Wrong username or password.",
 * "The mail server cannot be reached. Try again later.") in a role="alert" inside the form.
 */
export function LoginForm({ notice = null }: { notice?: string | null }) {
  const router = useRouter();
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const data = new FormData(event.currentTarget);
    setBusy(true);
    setError(null);
    try {
      await api.login(String(data.get('username') ?? ''), String(data.get('password') ?? ''));
      router.replace('/mail');
    } catch (e) {
      setError(errorMessage(e, 'Signing in failed. Try again.'));
      setBusy(false);
    }
  }

  return (
    <form className="login-form" aria-label="Sign in" onSubmit={onSubmit} aria-busy={busy}>
      <label htmlFor="login-username">Username</label>
      <input id="login-username" name="username" type="text" autoComplete="username" autoCapitalize="none" spellCheck={false} required autoFocus />
      <label htmlFor="login-password">Password</label>
      <input id="login-password" name="password" type="password" autoComplete="current-password" required />
      {notice && !error && (
        <p role="status" className="form-notice">
          {notice}
        </p>
      )}
      {error && (
        <p role="alert" className="form-error">
          {error}
        </p>
      )}
      {/* The name stays "Sign in" while busy: tests and assistive technology find it by name. */}
      <button type="submit" className="button-primary" disabled={busy}>
        Sign in
      </button>
    </form>
  );
}
