import { redirect } from 'next/navigation';

import { currentSession } from '@/server/session/sessions';

export default async function Home() {
  redirect((await currentSession()) ? '/mail' : '/login');
}
