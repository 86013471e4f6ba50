'use client';

import { useShortcutsHelp } from '@/stores/mail-stores-provider';

/** The header's "Keyboard shortcuts" button (the same dialog as `?`). */
export function ShortcutsButton() {
  const show = useShortcutsHelp((s) => s.show);
  return (
    <button type="button" className="shortcuts-button" aria-haspopup="dialog" onClick={show}>
      Keyboard shortcuts
    </button>
  );
}
