'use client';

import { useCallback, useEffect, useRef, useState } from 'react';

import { api, errorMessage } from '@/lib/api/client';

/** How long after the last change a draft is saved. */
export const DRAFT_SAVE_DELAY_MS = 3000;

/** Thrown by a draft's build when the draft must not be saved (the message says why, to the user). */
export class DraftRefusedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DraftRefusedError';
  }
}

export type DraftStatus = { state: 'idle' } | { state: 'saving' } | { state: 'saved' } | { state: 'error'; message: string };

/**
 * Saves the composer's draft to Drafts a few seconds after the last change, one save at a
 * time; each save replaces the previous copy (by the UID the server reported). `build` returns
 * the draft's bytes (encrypted to the sender when Encrypt is on), null when there is nothing to
 * save, or throws DraftRefusedError when it must not be saved.
 */
export function useDraftAutosave(build: () => Uint8Array | null | Promise<Uint8Array | null>, initialUid: number | null) {
  const [status, setStatus] = useState<DraftStatus>({ state: 'idle' });
  const uid = useRef<number | null>(initialUid);
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const running = useRef<Promise<void> | null>(null);
  const dirty = useRef(false);
  const stopped = useRef(false);
  const buildRef = useRef(build);
  useEffect(() => {
    buildRef.current = build;
  }, [build]);

  const clearTimer = () => {
    if (timer.current) clearTimeout(timer.current);
    timer.current = null;
  };

  /**
   * Saves now if anything changed since the last save (waiting for one in flight first); false
   * when the save failed (the status says why).
   */
  const saveNow = useCallback(async (force = false): Promise<boolean> => {
    clearTimer();
    if (running.current) await running.current;
    if ((!dirty.current && !force) || stopped.current) return true;
    dirty.current = false;
    running.current = (async () => {
      try {
        // Building may encrypt (a draft of an encrypted message): inside the one running save.
        const raw = await buildRef.current();
        if (!raw) return;
        setStatus({ state: 'saving' });
        const saved = await api.saveDraft(raw, uid.current);
        uid.current = saved.uid;
        if (!stopped.current) setStatus({ state: 'saved' });
      } catch (e) {
        dirty.current = true;
        const message = e instanceof DraftRefusedError ? e.message : errorMessage(e, 'The draft could not be saved.');
        if (!stopped.current) setStatus({ state: 'error', message });
      } finally {
        running.current = null;
      }
    })();
    await running.current;
    return !dirty.current;
  }, []);

  /** Something changed: save a little after the user stops typing. */
  const changed = useCallback(() => {
    dirty.current = true;
    // "Draft saved" speaks of what is on screen: a change makes it untrue until the next save.
    if (!running.current) setStatus({ state: 'idle' });
    clearTimer();
    timer.current = setTimeout(() => void saveNow(), DRAFT_SAVE_DELAY_MS);
  }, [saveNow]);

  /** The draft is done with (sent or discarded): no more saves; resolves with its last UID. */
  const stop = useCallback(async (): Promise<number | null> => {
    clearTimer();
    stopped.current = true;
    if (running.current) await running.current;
    return uid.current;
  }, []);

  useEffect(() => () => clearTimer(), []);

  /** No timed save for now (while sending: the send's outcome decides what happens to the draft). */
  const hold = useCallback(() => clearTimer(), []);

  return { status, changed, saveNow, stop, hold, uid: () => uid.current, dirty: () => dirty.current };
}
