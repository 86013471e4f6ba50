'use client';

import { type KeyboardEvent, type SyntheticEvent, useLayoutEffect, useRef, useState } from 'react';

import type { ContactSuggestion } from '@/lib/api/types';
import { completionQuery, formatRecipient, insertRecipient, tokenAt } from '@/lib/mail/recipient-token';

import { useContactSuggestions } from './use-contact-suggestions';

export interface RecipientInputProps {
  id: string;
  name: string;
  label: string;
  value: string;
  onChange: (value: string) => void;
  autoFocus?: boolean;
}

const SOURCE_LABEL: Record<ContactSuggestion['source'], string> = { recent: 'Recent', directory: 'Directory' };

/**
 * A To/Cc/Bcc field: free text (recipients separated by commas or semicolons) that offers
 * addresses for the recipient being typed. ARIA 1.2 combobox with list autocomplete and manual
 * selection: ArrowDown/ArrowUp move through the suggestions, Enter or Tab takes the highlighted
 * one, Escape closes the list; a click takes one too.
 */
export function RecipientInput({ id, name, label, value, onChange, autoFocus }: RecipientInputProps) {
  const inputRef = useRef<HTMLInputElement>(null);
  const pendingCaret = useRef<number | null>(null);
  const [caret, setCaret] = useState(value.length);
  // Closed by Escape, a choice or leaving the field; opened again by typing or ArrowDown.
  const [open, setOpen] = useState(false);
  // The highlighted option, for the answer to one query only: a new answer starts unhighlighted.
  const [active, setActive] = useState<{ query: string; index: number } | null>(null);

  const token = tokenAt(value, caret);
  const query = completionQuery(token);
  const answer = useContactSuggestions(open ? query : null);
  const suggestions = answer?.suggestions ?? [];
  const expanded = open && suggestions.length > 0;
  const activeIndex = expanded && active && active.query === answer?.query ? active.index : -1;
  const listboxId = `${id}-suggestions`;
  const optionId = (i: number) => `${id}-suggestion-${i}`;

  // After a choice the text changes under the caret: put the caret after the inserted recipient.
  useLayoutEffect(() => {
    if (pendingCaret.current === null) return;
    inputRef.current?.setSelectionRange(pendingCaret.current, pendingCaret.current);
    pendingCaret.current = null;
  }, [value]);

  function choose(s: ContactSuggestion) {
    const next = insertRecipient(value, token, s);
    pendingCaret.current = next.caret;
    setCaret(next.caret);
    setOpen(false);
    setActive(null);
    onChange(next.value);
  }

  const trackCaret = (e: SyntheticEvent<HTMLInputElement>) => setCaret(e.currentTarget.selectionStart ?? e.currentTarget.value.length);

  function move(step: 1 | -1) {
    if (!answer) return;
    const n = suggestions.length;
    const from = activeIndex < 0 ? (step === 1 ? -1 : n) : activeIndex;
    setActive({ query: answer.query, index: (from + step + n) % n });
  }

  function onKeyDown(e: KeyboardEvent<HTMLInputElement>) {
    if (e.nativeEvent.isComposing) return;
    switch (e.key) {
      case 'ArrowDown':
      case 'ArrowUp':
        if (!expanded) {
          if (e.key === 'ArrowDown' && query) {
            e.preventDefault();
            setOpen(true);
          }
          return;
        }
        e.preventDefault();
        move(e.key === 'ArrowDown' ? 1 : -1);
        return;
      case 'Enter':
      case 'Tab':
        // Without a highlighted suggestion Enter sends the form and Tab moves on, as usual.
        if (activeIndex < 0 || e.shiftKey) return;
        e.preventDefault();
        choose(suggestions[activeIndex]!);
        return;
      case 'Escape':
        if (!expanded) return;
        // Closes the list only, not the dialog around it.
        e.preventDefault();
        e.stopPropagation();
        setOpen(false);
        return;
    }
  }

  return (
    <>
      <label htmlFor={id}>{label}</label>
      <div className="recipient-input">
        <input
          ref={inputRef}
          id={id}
          name={name}
          type="text"
          role="combobox"
          aria-autocomplete="list"
          aria-expanded={expanded}
          aria-controls={listboxId}
          aria-activedescendant={activeIndex >= 0 ? optionId(activeIndex) : undefined}
          autoComplete="off"
          spellCheck={false}
          autoFocus={autoFocus}
          value={value}
          onChange={(e) => {
            onChange(e.target.value);
            trackCaret(e);
            setOpen(true);
          }}
          onSelect={trackCaret}
          onKeyDown={onKeyDown}
          onBlur={() => setOpen(false)}
        />
        {/* Pressing in the list (an option, its scroll bar) keeps the focus and caret in the field. */}
        <div className="recipient-popup" hidden={!expanded} onMouseDown={(e) => e.preventDefault()}>
          <ul role="listbox" id={listboxId} aria-label={`${label} suggestions`}>
            {expanded &&
              suggestions.map((s, i) => (
                <li
                  key={s.address}
                  id={optionId(i)}
                  role="option"
                  aria-selected={i === activeIndex}
                  onClick={() => choose(s)}
                >
                  <span className="recipient-suggestion-text">{formatRecipient(s)}</span>{' '}
                  <span className="recipient-suggestion-source">{SOURCE_LABEL[s.source]}</span>
                </li>
              ))}
          </ul>
          {expanded && answer && !answer.directoryAvailable && (
            <p className="recipient-popup-note">The address directory cannot be reached: recent addresses only.</p>
          )}
        </div>
      </div>
    </>
  );
}
