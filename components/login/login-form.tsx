'use client';

import { useRouter } from 'next/navigation';
import { type FormEvent, useState } from 'react';

import { ApiRequestError, api } from '@/lib/api/client';

export function LoginForm() {
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
      setError(e instanceof ApiRequestError ? e.message : 'Sign-in failed.');
      setBusy(false);
    }
  }

  return (
    <form className="login-form" aria-label="Sign in" onSubmit={onSubmit} aria-busy={busy}>
      <label htmlFor="username">Username</label>
      <input id="username" name="username" type="text" autoComplete="username" required autoFocus />
      <label htmlFor="password">Password</label>
      <input id="password" name="password" type="password" autoComplete="current-password" required />
      {error && (
        <p role="alert" className="form-error">
          {error}
        </p>
      )}
      <button type="submit" disabled={busy}>
        {busy ? 'Signing in…' : 'Sign in'}
      </button>
    </form>
  );
}
