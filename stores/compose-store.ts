import { createStore } from 'zustand/vanilla';

/** What the composer starts from: nothing, or a message being answered or passed on. */
export type ComposeMode = 'new' | 'reply' | 'replyAll' | 'forward' | 'forwardAsAttachment';

export interface ComposeRequest {
  mode: ComposeMode;
  /** The message replied to or forwarded (absent for 'new'). */
  source?: { folder: string; uid: number };
}

export interface ComposeState {
  /** The open composer's starting point; null while no composer is open. */
  request: ComposeRequest | null;
  /** What happened to the last message sent, shown until the next composer opens. */
  outcome: string | null;
  openCompose: (request: ComposeRequest) => void;
  close: (outcome?: string) => void;
}

/** Whether a composer is open and what it starts from; the toolbar, shortcuts and header open it. */
export function createComposeStore() {
  return createStore<ComposeState>()((set) => ({
    request: null,
    outcome: null,
    openCompose(request) {
      set({ request, outcome: null });
    },
    close(outcome) {
      set({ request: null, outcome: outcome ?? null });
    },
  }));
}

export type ComposeStore = ReturnType<typeof createComposeStore>;
