import { redirect } from 'next/navigation';

import { LoginForm } from '@/components/login/login-form';
import { currentSession } from '@/server/session/sessions';

export const metadata = { title: 'Sign in · Sealpost' };

export default async function LoginPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  if (await currentSession()) redirect('/mail');
  const ended = (await searchParams).ended === '1';
  return (
    <main className="login-page">
      <div className="login-card">
        <div className="brand" aria-hidden="true">
          <span className="brand-mark">✉</span>
          Sealpost
        </div>
        <h1>Sign in to Sealpost</h1>
        <LoginForm notice={ended ? 'Your session ended. Sign in again to go on.' : null} />
      </div>
    </main>
  );
}
