'use client';

import { useRouter } from 'next/navigation';
import { useEffect } from 'react';

import { useSession } from '@/stores/mail-stores-provider';

/** Leaves the mail view for the login page once the session has ended (signed out or expired). */
export function SessionEndedRedirect() {
  const router = useRouter();
  const endedBy = useSession((s) => (s.status === 'ended' ? s.endedBy : null));
  useEffect(() => {
    // An expired session says so on the login page; signing out just lands there.
    if (endedBy) router.replace(endedBy === 'server' ? '/login?ended=1' : '/login');
  }, [endedBy, router]);
  return null;
}
