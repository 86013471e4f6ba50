'use client';

import { useRouter } from 'next/navigation';

import { api } from '@/lib/api/client';

export function MailHeader({ email }: { email: string }) {
  const router = useRouter();
  async function signOut() {
    await api.logout().catch(() => {});
    router.replace('/login');
  }
  return (
    <header className="mail-header">
      <div className="brand">
        <span className="brand-mark" aria-hidden="true">
          ✉
        </span>{' '}
        Sealpost
      </div>
      <div className="mail-header-user">
        <span aria-label="Signed in as">{email}</span>
        <button type="button" onClick={signOut}>
          Sign out
        </button>
      </div>
    </header>
  );
}
