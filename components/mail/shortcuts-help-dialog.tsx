'use client';

import { type KeyboardEvent, useEffect, useRef } from 'react';

import { SHORTCUTS } from '@/lib/keyboard/shortcuts';
import { useShortcutsHelp } from '@/stores/mail-stores-provider';

/** "Keyboard shortcuts": the table of lib/keyboard/shortcuts.ts in a modal dialog. */
export function ShortcutsHelpDialog() {
  const open = useShortcutsHelp((s) => s.open);
  const hide = useShortcutsHelp((s) => s.hide);
  const closeButton = useRef<HTMLButtonElement>(null);

  // Focus moves into the dialog, and back to where it was when the dialog closes.
  useEffect(() => {
    if (!open) return;
    const before = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    closeButton.current?.focus();
    return () => before?.focus();
  }, [open]);

  if (!open) return null;

  // The only focusable element is the Close button: Tab stays on it (a modal keeps focus inside).
  const trapTab = (event: KeyboardEvent<HTMLDivElement>) => {
    if (event.key === 'Tab') {
      event.preventDefault();
      closeButton.current?.focus();
    }
  };

  return (
    <div className="dialog-backdrop" onClick={hide}>
      <div
        role="dialog"
        aria-modal="true"
        aria-labelledby="shortcuts-title"
        className="shortcuts-dialog"
        onClick={(e) => e.stopPropagation()}
        onKeyDown={trapTab}
      >
        <h2 id="shortcuts-title">Keyboard shortcuts</h2>
        <table className="shortcuts-table">
          <thead>
            <tr>
              <th scope="col">Key</th>
              <th scope="col">Action</th>
            </tr>
          </thead>
          <tbody>
            {SHORTCUTS.map((s) => (
              <tr key={s.action}>
                <td>
                  <kbd>{s.label}</kbd>
                </td>
                <td>{s.description}</td>
              </tr>
            ))}
          </tbody>
        </table>
        <p className="muted">Shortcuts work when the cursor is not in a text field or in the message.</p>
        <div className="dialog-buttons">
          <button type="button" ref={closeButton} onClick={hide}>
            Close
          </button>
        </div>
      </div>
    </div>
  );
}
