'use client';

import { useMessageList } from '@/stores/mail-stores-provider';

/** Placeholder until the reader lands: names the selected message. */
export function ReadingPane() {
  const selected = useMessageList((s) => s.messages.find((m) => m.uid === s.selectedUid));
  return (
    <section className="reading-pane" aria-label="Reading pane">
      {selected ? (
        <>
          <h2>{selected.subject || '(no subject)'}</h2>
          <p className="muted">Reading messages arrives with the next version of Sealpost.</p>
        </>
      ) : (
        <p className="muted placeholder">Select a message to read it.</p>
      )}
    </section>
  );
}
