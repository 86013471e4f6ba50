'use client';

import { useEffect, useRef } from 'react';

/** "Discard this message?": delete the saved draft, keep it, or go back to writing. */
export function DiscardConfirm({ onDelete, onKeep, onCancel }: { onDelete: () => void; onKeep: () => void; onCancel: () => void }) {
  const first = useRef<HTMLButtonElement>(null);
  useEffect(() => first.current?.focus(), []);
  return (
    <div
      role="alertdialog"
      aria-modal="true"
      aria-labelledby="discard-title"
      aria-describedby="discard-text"
      className="discard-confirm"
      onKeyDown={(e) => {
        if (e.key === 'Escape') {
          e.stopPropagation();
          onCancel();
        }
      }}
    >
      <h3 id="discard-title">Discard this message?</h3>
      <p id="discard-text">Delete its draft from Drafts, or keep the draft to finish later.</p>
      <div className="dialog-buttons">
        <button ref={first} type="button" onClick={onDelete}>
          Delete draft
        </button>
        <button type="button" onClick={onKeep}>
          Keep draft
        </button>
        <button type="button" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </div>
  );
}
