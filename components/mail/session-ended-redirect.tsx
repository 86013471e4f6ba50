'use client';

import { useRouter } from 'next/navigation';
import { useEffect } from 'react';

import { useSession } from '@/stores/mail-stores-provider';

/** Leaves the mail view for the login page once the session has ended (signed out or expired). */
export function SessionEndedRedirect() {
  const router = useRouter();
  const ended = useSession((s) => s.status === 'ended');
  useEffect(() => {
    if (ended) router.replace('/login');
  }, [ended, router]);
  return null;
}
