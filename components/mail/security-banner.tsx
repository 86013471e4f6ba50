'use client';

import { useState } from 'react';

import { useReader } from '@/stores/mail-stores-provider';

import { SecurityDetailsDialog } from './security-details-dialog';

/**
 * The open message's S/MIME state, drawn by the app outside the message's iframe, in its own
 * region ("Message security"): nothing in a message body can draw into it or imitate its place.
 * Its words come from lib/reading/security-banner.ts (the report alone).
 */
export function SecurityBanner() {
  const security = useReader((s) => s.security);
  const unlock = useReader((s) => s.unlock);
  const checkNow = useReader((s) => s.checkCertificatesNow);
  const [detailsOpen, setDetailsOpen] = useState(false);
  const banner = security?.banner;
  if (!security || !banner) return null;
  return (
    <section className={`security-banner tone-${banner.tone}`} aria-label="Message security" aria-live="polite" aria-busy={security.checking}>
      <div className="security-lines">
        {banner.lines.map((line, i) => (
          <p key={i} className={`security-line ${line.kind} tone-${line.tone}`}>
            {line.text}
          </p>
        ))}
      </div>
      {(banner.unlock || banner.details) && (
        <div className="security-actions">
          {banner.unlock && (
            <button type="button" onClick={() => void unlock()}>
              Unlock
            </button>
          )}
          {banner.details && security.report && (
            <button type="button" onClick={() => setDetailsOpen(true)}>
              Security details
            </button>
          )}
        </div>
      )}
      {detailsOpen && security.report && (
        <SecurityDetailsDialog report={security.report} security={security} onCheckNow={() => void checkNow()} onClose={() => setDetailsOpen(false)} />
      )}
    </section>
  );
}
