import { createStore } from 'zustand/vanilla';

/**
 * What the composer starts from: nothing, or a message being answered or passed on, or a draft
 * being continued ('draft': its next save replaces it).
 */
export type ComposeMode = 'new' | 'reply' | 'replyAll' | 'forward' | 'forwardAsAttachment' | 'draft';

export interface ComposeRequest {
  mode: ComposeMode;
  /** The message replied to or forwarded (absent for 'new'). */
  source?: { folder: string; uid: number };
  /** The source message was encrypted: the reply or forward starts with Encrypt on. */
  sourceEncrypted?: boolean;
}

export interface ComposeState {
  /** The open composer's starting point; null while no composer is open. */
  request: ComposeRequest | null;
  /** What happened to the last message sent, shown until the next composer opens. */
  outcome: string | null;
  /** The user's display name for From; '' sends the bare address (never an empty quoted name). */
  displayName: string;
  setDisplayName: (name: string) => void;
  openCompose: (request: ComposeRequest) => void;
  close: (outcome?: string) => void;
}

/** Whether a composer is open and what it starts from; the toolbar, shortcuts and header open it. */
export function createComposeStore() {
  return createStore<ComposeState>()((set) => ({
    request: null,
    outcome: null,
    displayName: '',
    setDisplayName(displayName) {
      set({ displayName: displayName.trim() });
    },
    openCompose(request) {
      set({ request, outcome: null });
    },
    close(outcome) {
      set({ request: null, outcome: outcome ?? null });
    },
  }));
}

export type ComposeStore = ReturnType<typeof createComposeStore>;
