'use client';

import { type RefObject, useEffect, useRef } from 'react';

/**
 * Esc leaves the full-window reader (unless a dialog of its own, such as a preview, is open: that
 * one takes Esc first). Focus moves into the reader when it opens and back to the button that
 * opened it when it closes.
 */
export function useFullWindowKeys(fullWindow: boolean, leave: () => void, region: RefObject<HTMLElement | null>, opener: RefObject<HTMLElement | null>) {
  const was = useRef(fullWindow);
  useEffect(() => {
    if (fullWindow) region.current?.focus();
    else if (was.current) opener.current?.focus();
    was.current = fullWindow;
    if (!fullWindow) return;
    const onKey = (e: KeyboardEvent) => {
      if (e.key !== 'Escape' || e.defaultPrevented) return;
      if (document.querySelector('dialog[open], [role="dialog"][aria-modal="true"]')) return;
      e.preventDefault();
      leave();
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, [fullWindow, leave, region, opener]);
}
