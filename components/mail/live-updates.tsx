'use client';

import { useEffect } from 'react';

import { useFolders, useLive, useSession } from '@/stores/mail-stores-provider';

/**
 * Keeps the live event stream (stores/live-store.ts) on the open folder while signed in: it moves
 * with the folder, closes on sign-out and when the page goes away (also into the back/forward
 * cache), and opens again if the page comes back.
 */
export function LiveUpdates() {
  const folder = useFolders((s) => s.selectedPath);
  const signedIn = useSession((s) => s.status === 'signed-in');
  const watch = useLive((s) => s.watch);
  const stop = useLive((s) => s.stop);

  useEffect(() => {
    if (!signedIn) return;
    watch(folder);
    const onPageHide = () => stop();
    const onPageShow = (event: PageTransitionEvent) => {
      if (event.persisted) watch(folder);
    };
    window.addEventListener('pagehide', onPageHide);
    window.addEventListener('pageshow', onPageShow);
    return () => {
      window.removeEventListener('pagehide', onPageHide);
      window.removeEventListener('pageshow', onPageShow);
    };
  }, [folder, signedIn, watch, stop]);

  useEffect(() => {
    if (!signedIn) stop();
  }, [signedIn, stop]);

  // Leaving the mail view closes the stream.
  useEffect(() => stop, [stop]);

  return null;
}
