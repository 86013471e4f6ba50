import { createStore } from 'zustand/vanilla';

export interface ShortcutsHelpState {
  /** The "Keyboard shortcuts" dialog is open (from `?` or the header button). */
  open: boolean;
  show: () => void;
  hide: () => void;
}

/** Whether the keyboard shortcuts dialog is open. */
export function createShortcutsHelpStore() {
  return createStore<ShortcutsHelpState>()((set) => ({
    open: false,
    show: () => set({ open: true }),
    hide: () => set({ open: false }),
  }));
}

export type ShortcutsHelpStore = ReturnType<typeof createShortcutsHelpStore>;
