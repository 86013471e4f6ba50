'use client';

import { useSession } from '@/stores/mail-stores-provider';

export function SignOutButton() {
  const signOut = useSession((s) => s.signOut);
  const busy = useSession((s) => s.status !== 'signed-in');
  return (
    <button type="button" className="button-secondary" onClick={() => void signOut()} disabled={busy}>
      Sign out
    </button>
  );
}
