// The mail view's keyboard shortcuts: one table (also shown in the help dialog) and the rule for
// when they apply. Pure: the mail view's key handler (components/mail/keyboard-shortcuts.tsx)
// maps a key to an action here and runs it against the stores.

export type ShortcutAction =
  | 'next'
  | 'previous'
  | 'open'
  | 'reply'
  | 'replyAll'
  | 'forward'
  | 'compose'
  | 'delete'
  | 'search'
  | 'close'
  | 'help';

export interface Shortcut {
  action: ShortcutAction;
  /** KeyboardEvent.key values. */
  keys: readonly string[];
  /** How the help dialog names the keys. */
  label: string;
  description: string;
}

export const SHORTCUTS: readonly Shortcut[] = [
  { action: 'next', keys: ['j', 'ArrowDown'], label: 'j or ↓', description: 'Next message' },
  { action: 'previous', keys: ['k', 'ArrowUp'], label: 'k or ↑', description: 'Previous message' },
  { action: 'open', keys: ['Enter'], label: 'Enter', description: 'Open the selected message in the full window' },
  { action: 'reply', keys: ['r'], label: 'r', description: 'Reply' },
  { action: 'replyAll', keys: ['a'], label: 'a', description: 'Reply all' },
  { action: 'forward', keys: ['f'], label: 'f', description: 'Forward' },
  { action: 'compose', keys: ['c'], label: 'c', description: 'New message' },
  { action: 'delete', keys: ['Delete'], label: 'Delete', description: 'Move the selected message to Trash' },
  { action: 'search', keys: ['/'], label: '/', description: 'Search' },
  { action: 'close', keys: ['Escape'], label: 'Esc', description: 'Close the full window or dialog' },
  { action: 'help', keys: ['?'], label: '?', description: 'Show keyboard shortcuts' },
];

const BY_KEY = new Map(SHORTCUTS.flatMap((s) => s.keys.map((k) => [k, s.action] as const)));

/** What the key handler needs from the event target (an Element in the browser). */
export interface KeyTarget {
  tagName?: string;
  type?: string;
  isContentEditable?: boolean;
  getAttribute?: (name: string) => string | null;
  closest?: (selector: string) => unknown;
}

export interface KeyInput {
  key: string;
  ctrlKey?: boolean;
  metaKey?: boolean;
  altKey?: boolean;
  /** A handler on the way (the message list, the folder tree) has already used the key. */
  defaultPrevented?: boolean;
  isComposing?: boolean;
  target?: KeyTarget | null;
}

/** Input types that take no typed text: keys pressed on them are free for shortcuts. */
const NON_TEXT_INPUTS = new Set(['button', 'checkbox', 'radio', 'submit', 'reset', 'file', 'image', 'color', 'range']);

/** True when keys typed at `target` are text (fields, editors) rather than commands. */
export function isTextTarget(target: KeyTarget | null | undefined): boolean {
  if (!target) return false;
  const tag = target.tagName?.toUpperCase();
  if (tag === 'TEXTAREA' || tag === 'SELECT') return true;
  if (tag === 'INPUT') return !NON_TEXT_INPUTS.has((target.type ?? 'text').toLowerCase());
  if (target.isContentEditable) return true;
  const role = target.getAttribute?.('role');
  return role === 'textbox' || role === 'searchbox' || role === 'combobox';
}

/** Elements whose own Enter does something (a button clicks, a link follows): Enter is theirs. */
function ownsEnter(target: KeyTarget | null | undefined): boolean {
  const tag = target?.tagName?.toUpperCase();
  if (tag === 'BUTTON' || tag === 'A' || tag === 'SUMMARY' || tag === 'INPUT') return true;
  const role = target?.getAttribute?.('role');
  return role === 'button' || role === 'link' || role === 'treeitem' || role === 'menuitem' || role === 'tab';
}

/**
 * The action for a key press, or null when it is not a shortcut here: typed into a text field,
 * with Ctrl/Cmd/Alt (the browser's and the system's own shortcuts), while an IME composes,
 * already handled on its way up, or (for Enter) on an element that acts on Enter itself. Inside
 * a dialog only Esc counts. (Keys typed in the message frame never reach the page at all.)
 */
export function shortcutFor(event: KeyInput): ShortcutAction | null {
  if (event.defaultPrevented || event.isComposing || event.ctrlKey || event.metaKey || event.altKey) return null;
  const action = BY_KEY.get(event.key) ?? null;
  if (!action || isTextTarget(event.target)) return null;
  if (action === 'open' && ownsEnter(event.target)) return null;
  if (action !== 'close' && event.target?.closest?.('[role="dialog"], [role="alertdialog"]')) return null;
  return action;
}
