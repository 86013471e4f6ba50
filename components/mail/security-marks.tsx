// The list's S/MIME marks (from the server's summary row, headers only). Drawn inline like
// icons.tsx's: symbol fonts differ between systems. The accessible name carries the meaning.
import type { MessageSummary } from '@/lib/api/types';

const PATHS = {
  // A seal with a ribbon: signed.
  signed: 'M12 3a6 6 0 100 12 6 6 0 000-12zM9 14l-2 7 5-2.5 5 2.5-2-7M10 9l1.5 1.5L14.5 7.5',
  // A padlock: encrypted.
  encrypted: 'M6 11h12v10H6zM8.5 11V7.5a3.5 3.5 0 017 0V11M12 15v2.5',
};

const NAMES = { signed: 'Signed', encrypted: 'Encrypted' } as const;

export function SecurityMark({ security }: { security: MessageSummary['security'] }) {
  if (!security) return null;
  return (
    <span className={`mark mark-${security}`} role="img" aria-label={NAMES[security]} title={NAMES[security]}>
      <svg className="icon" viewBox="0 0 24 24" aria-hidden="true" focusable="false">
        <path d={PATHS[security]} fill="none" stroke="currentColor" strokeWidth="1.8" strokeLinecap="round" strokeLinejoin="round" />
      </svg>
    </span>
  );
}
