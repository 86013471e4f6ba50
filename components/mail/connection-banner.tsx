'use client';

import { useLive } from '@/stores/mail-stores-provider';

/**
 * Shown while the mail server cannot be reached (told by the live stream or by any failed read).
 * Everything on screen stays as it was; the view re-reads itself when the server is back.
 */
export function ConnectionBanner() {
  const down = useLive((s) => s.imapDown);
  if (!down) return null;
  return (
    <div role="alert" className="connection-banner">
      Connection to the mail server lost. Reconnecting…
    </div>
  );
}
