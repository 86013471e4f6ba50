import type { ShortcutAction } from '@/lib/keyboard/shortcuts';
import type { MailStores } from '@/stores/mail-stores-provider';

import { messageRowId } from './message-row';

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
  const selected = list.messages.find((m) => m.uid === list.selectedUid);
  const source = list.folder && selected ? { folder: list.folder, uid: selected.uid } : null;
  const composing = stores.compose.getState().request !== null;
  const help = stores.shortcutsHelp.getState();

  switch (action) {
    case 'next':
    case 'previous': {
      if (list.messages.length === 0) return false;
      const index = list.messages.findIndex((m) => m.uid === list.selectedUid);
      const target = action === 'next' ? index + 1 : Math.max(0, index - 1);
      if (target >= list.messages.length) {
        void list.loadMore();
        return true;
      }
      const message = list.messages[target];
      if (!message) return false;
      list.select(message.uid);
      effects.element(messageRowId(message.uid))?.scrollIntoView?.({ block: 'nearest' });
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
      stores.compose.getState().openCompose({ mode: action, source });
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
