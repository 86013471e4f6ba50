'use client';

import { useEffect, useState } from 'react';

import { api } from '@/lib/api/client';
import type { ContactSuggestions } from '@/lib/api/types';

/** Pause after the last keystroke before asking the server. */
export const COMPLETION_DEBOUNCE_MS = 150;

/**
 * Suggestions for `query` (null: none wanted), fetched after a short pause in typing. A newer
 * query cancels the older request, and an answer is only ever shown for the query it was asked
 * for, so a slow answer to "ca" never replaces the one to "car". Failures show no suggestions:
 * the field still takes any address typed by hand.
 */
export function useContactSuggestions(query: string | null): ContactSuggestions | null {
  const [answer, setAnswer] = useState<ContactSuggestions | null>(null);

  useEffect(() => {
    if (!query) return;
    const controller = new AbortController();
    const timer = setTimeout(() => {
      api.contacts(query, controller.signal).then(
        (a) => {
          if (!controller.signal.aborted) setAnswer({ ...a, query });
        },
        () => {
          if (!controller.signal.aborted) setAnswer({ query, suggestions: [], directoryAvailable: true });
        },
      );
    }, COMPLETION_DEBOUNCE_MS);
    return () => {
      clearTimeout(timer);
      controller.abort();
    };
  }, [query]);

  return query && answer?.query === query ? answer : null;
}
