'use client';

import { type KeyboardEvent, type RefObject, useEffect, useState } from 'react';

const FOCUSABLE = 'button:not([disabled]), input:not([disabled]):not([hidden]), textarea:not([disabled]), [contenteditable="true"], [href], [tabindex]:not([tabindex="-1"])';

/**
 * Keeps Tab inside a modal dialog and gives focus back to where it was when the dialog closes
 * (the button that opened it). Returns the dialog's keydown handler.
 */
export function useFocusTrap(dialog: RefObject<HTMLElement | null>) {
  // Read while rendering, before autoFocus inside the dialog moves focus.
  const [opener] = useState(() => (typeof document !== 'undefined' && document.activeElement instanceof HTMLElement ? document.activeElement : null));
  useEffect(() => {
    const node = dialog.current;
    return () => {
      // After the dialog is really gone (not on a development re-run of this effect).
      setTimeout(() => {
        if (!node?.isConnected && opener?.isConnected) opener.focus();
      });
    };
  }, [dialog, opener]);
  return (e: KeyboardEvent) => {
    if (e.key !== 'Tab' || !dialog.current) return;
    const nodes = Array.from(dialog.current.querySelectorAll<HTMLElement>(FOCUSABLE)).filter((n) => n.getClientRects().length > 0);
    if (nodes.length === 0) return;
    const first = nodes[0]!;
    const last = nodes[nodes.length - 1]!;
    if (e.shiftKey && document.activeElement === first) {
      e.preventDefault();
      last.focus();
    } else if (!e.shiftKey && document.activeElement === last) {
      e.preventDefault();
      first.focus();
    }
  };
}
