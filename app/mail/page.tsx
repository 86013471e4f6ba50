import { redirect } from 'next/navigation';

import { MailApp } from '@/components/mail/mail-app';
import { currentSession } from '@/server/session/sessions';

export const metadata = { title: 'Mail · Sealpost' };

export default async function MailPage() {
  const session = await currentSession();
  if (!session) redirect('/login');
  return <MailApp email={session.email} />;
}
