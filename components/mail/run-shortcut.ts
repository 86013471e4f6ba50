import type { ShortcutAction } from '@/lib/keyboard/shortcuts';
import type { MailStores } from '@/stores/mail-stores-provider';


/** The search box's element id (the search feature owns the field; `/` only focuses it). */
export const SEARCH_BOX_ID = 'mail-search';

export interface ShortcutEffects {
  /** Delete: the same move to Trash as the toolbar's button. */
  moveToTrash: () => Promise<void>;
  /** The element with this id, for focusing (document.getElementById in the browser). */
  element: (id: string) => { focus: () => void; scrollIntoView?: (options: ScrollIntoViewOptions) => void } | null;
}

/**
 * Runs one shortcut against the mail view's stores. Returns false when it did nothing (no message
 * selected, nothing to close), so the key keeps its usual meaning.
 */
export function runShortcut(action: ShortcutAction, stores: Pick<MailStores, 'messageList' | 'reader' | 'compose' | 'shortcutsHelp'>, effects: ShortcutEffects): boolean {
  const list = stores.messageList.getState();
  const selected = list.selectedUid !== null ? list.findMessage(list.selectedUid) : undefined;
  const source = list.folder && selected ? { folder: list.folder, uid: selected.uid } : null;
  const composing = stores.compose.getState().request !== null;
  const help = stores.shortcutsHelp.getState();

  switch (action) {
    case 'next':
    case 'previous': {
      // The list is virtual: focus moves by position (the row may not be loaded yet; the list
      // scrolls to it and fetches it).
      if (list.total === 0) return false;
      const at = list.focusIndex ?? -1;
      const target = action === 'next' ? Math.min(list.total - 1, at + 1) : Math.max(0, at - 1);
      list.focusAt(target);
      return true;
    }
    case 'open':
      if (!source) return false;
      stores.reader.getState().setFullWindow(true);
      return true;
    case 'reply':
    case 'replyAll':
    case 'forward':
      if (!source || composing) return false;
      stores.compose.getState().openCompose({ mode: action, source, sourceEncrypted: stores.reader.getState().isEncrypted(source.folder, source.uid) });
      return true;
    case 'compose':
      if (composing) return false;
      stores.compose.getState().openCompose({ mode: 'new' });
      return true;
    case 'delete':
      if (!source) return false;
      void effects.moveToTrash().catch(() => {});
      return true;
    case 'search': {
      const box = effects.element(SEARCH_BOX_ID);
      box?.focus();
      return box !== null;
    }
    case 'close':
      if (help.open) {
        help.hide();
        return true;
      }
      if (stores.reader.getState().fullWindow) {
        stores.reader.getState().setFullWindow(false);
        return true;
      }
      return false;
    case 'help':
      help.show();
      return true;
  }
}
