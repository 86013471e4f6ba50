import { redirect } from 'next/navigation';

import { LoginForm } from '@/components/login/login-form';
import { currentSession } from '@/server/session/sessions';

export const metadata = { title: 'Sign in · Sealpost' };

export default async function LoginPage() {
  if (await currentSession()) redirect('/mail');
  return (
    <main className="login-page">
      <div className="login-card">
        <div className="brand" aria-hidden="true">
          <span className="brand-mark">✉</span>
          Sealpost
        </div>
        <h1>Sign in to Sealpost</h1>
        <LoginForm />
      </div>
    </main>
  );
}
