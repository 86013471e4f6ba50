import { createStore } from 'zustand/vanilla';

/** A short outcome of an action with no pane of its own: "Copied to Projects.", a refused drop. */
export interface Notice {
  text: string;
  kind: 'info' | 'error';
}

export interface NoticeState {
  notice: Notice | null;
  show: (text: string, kind?: Notice['kind']) => void;
  clear: () => void;
}

export function createNoticeStore() {
  return createStore<NoticeState>()((set) => ({
    notice: null,
    show(text, kind = 'info') {
      set({ notice: { text, kind } });
    },
    clear() {
      set({ notice: null });
    },
  }));
}

export type NoticeStore = ReturnType<typeof createNoticeStore>;
