'use client';

import { useEffect } from 'react';

import { shortcutFor } from '@/lib/keyboard/shortcuts';
import { useMailStores, useMessageActions } from '@/stores/mail-stores-provider';

import { runShortcut } from './run-shortcut';
import { ShortcutsHelpDialog } from './shortcuts-help-dialog';

/**
 * The mail view's keyboard shortcuts (lib/keyboard/shortcuts.ts): one keydown listener on the
 * document, after the list's and the tree's own handlers (which mark keys they used), and the
 * help dialog.
 */
export function KeyboardShortcuts() {
  const stores = useMailStores();
  const actions = useMessageActions();

  useEffect(() => {
    function onKeyDown(event: KeyboardEvent) {
      const action = shortcutFor({
        key: event.key,
        ctrlKey: event.ctrlKey,
        metaKey: event.metaKey,
        altKey: event.altKey,
        defaultPrevented: event.defaultPrevented,
        isComposing: event.isComposing,
        target: event.target instanceof Element ? (event.target as HTMLElement) : null,
      });
      if (!action) return;
      // A composer is a modal dialog: while it is open the page's shortcuts are off.
      if (stores.compose.getState().request !== null) return;
      const done = runShortcut(action, stores, {
        moveToTrash: () => actions.move({ specialUse: 'trash' }, 'Moved to Trash.'),
        element: (id) => document.getElementById(id),
      });
      if (done) event.preventDefault();
    }
    document.addEventListener('keydown', onKeyDown);
    return () => document.removeEventListener('keydown', onKeyDown);
  }, [stores, actions]);

  return <ShortcutsHelpDialog />;
}
