import { createStore } from 'zustand/vanilla';

import { api } from '@/lib/api/client';

export interface SessionState {
  /** The signed-in user's address, shown in the header. */
  email: string;
  /** 'ended': signed out here, or the server ended the session (idle expiry). */
  status: 'signed-in' | 'signing-out' | 'ended';
  /** Why it ended: the user signed out, or the server no longer knows the session. */
  endedBy: 'user' | 'server' | null;
  signOut: () => Promise<void>;
  /** Called when an API call answers 'not-signed-in'. */
  sessionEnded: () => void;
}

/** Who is signed in, and signing out. One store per mail view (see MailStoresProvider). */
export function createSessionStore(email: string, logout: () => Promise<void> = api.logout) {
  return createStore<SessionState>()((set, get) => ({
    email,
    status: 'signed-in',
    endedBy: null,
    async signOut() {
      if (get().status !== 'signed-in') return;
      set({ status: 'signing-out' });
      // Whatever the server answers, this browser is done with the session.
      await logout().catch(() => {});
      set({ status: 'ended', endedBy: 'user' });
    },
    sessionEnded() {
      if (get().status === 'ended') return;
      set({ status: 'ended', endedBy: 'server' });
    },
  }));
}

export type SessionStore = ReturnType<typeof createSessionStore>;
