'use client';

import { type FormEvent, type KeyboardEvent, useState } from 'react';

import type { MessageSearch, MessageSortKey } from '@/lib/api/types';
import { MAX_SEARCH_TERM_CHARS } from '@/lib/mail/list-query';
import { useMessageList } from '@/stores/mail-stores-provider';

const SORT_LABELS: Record<MessageSortKey, string> = { date: 'Date', from: 'Sender', subject: 'Subject', size: 'Size' };

/** Element id of the search box: the "/" shortcut focuses it by this id. */
export const SEARCH_INPUT_ID = 'mail-search';

/** Search box, advanced search, (keyed by folder: another folder starts with empty fields) "Sort by" and the order toggle above the message list. */
export function MessageListControls() {
  const query = useMessageList((s) => s.query);
  const sortFallback = useMessageList((s) => s.sortFallback);
  const canThread = useMessageList((s) => s.canThread);
  const threading = useMessageList((s) => s.threading);
  const setQuery = useMessageList((s) => s.setQuery);
  const [text, setText] = useState('');
  const [advancedOpen, setAdvancedOpen] = useState(false);
  const [advanced, setAdvanced] = useState<MessageSearch>({});
  // A search left elsewhere (Esc in the list) empties the fields: adjusted while rendering.
  const [shownSearch, setShownSearch] = useState(query.search);
  if (shownSearch !== query.search) {
    setShownSearch(query.search);
    if (query.search === null) {
      setText('');
      setAdvanced({});
    }
  }

  const search = (next: MessageSearch) => void setQuery({ search: next });
  const clear = () => {
    setText('');
    setAdvanced({});
    void setQuery({ search: null });
  };

  function onSubmit(event: FormEvent) {
    event.preventDefault();
    search({ ...advanced, text });
  }

  function onSearchKey(event: KeyboardEvent<HTMLInputElement>) {
    if (event.key === 'Escape') {
      event.preventDefault();
      clear();
    }
  }

  const field = (key: 'from' | 'to' | 'subject' | 'body', label: string) => (
    <label>
      {label}
      <input type="text" maxLength={MAX_SEARCH_TERM_CHARS} value={advanced[key] ?? ''} onChange={(e) => setAdvanced({ ...advanced, [key]: e.target.value })} />
    </label>
  );
  const date = (key: 'since' | 'until', label: string) => (
    <label>
      {label}
      <input type="date" value={advanced[key] ?? ''} onChange={(e) => setAdvanced({ ...advanced, [key]: e.target.value })} />
    </label>
  );
  const check = (key: 'unread' | 'flagged' | 'hasAttachment', label: string) => (
    <label className="check">
      <input type="checkbox" checked={advanced[key] ?? false} onChange={(e) => setAdvanced({ ...advanced, [key]: e.target.checked })} />
      {label}
    </label>
  );

  return (
    <div className="list-controls">
      <form role="search" aria-label="Mail search" className="search-form" onSubmit={onSubmit}>
        <input
          id={SEARCH_INPUT_ID}
          type="search"
          aria-label="Search mail"
          placeholder="Search mail"
          maxLength={MAX_SEARCH_TERM_CHARS}
          value={text}
          onChange={(e) => setText(e.target.value)}
          onKeyDown={onSearchKey}
        />
        {query.search !== null && (
          <button type="button" className="button-secondary" onClick={clear}>
            Clear search
          </button>
        )}
        <button type="button" className="button-secondary" aria-expanded={advancedOpen} aria-controls="advanced-search" onClick={() => setAdvancedOpen(!advancedOpen)}>
          Search options
        </button>
      </form>
      {advancedOpen && (
        <form id="advanced-search" aria-label="Advanced search" className="advanced-search" onSubmit={onSubmit} onKeyDown={(e) => e.key === 'Escape' && setAdvancedOpen(false)}>
          {field('from', 'From')}
          {field('to', 'To')}
          {field('subject', 'Subject')}
          {field('body', 'Body')}
          {date('since', 'Sent on or after')}
          {date('until', 'Sent on or before')}
          {check('unread', 'Unread')}
          {check('flagged', 'Flagged')}
          {check('hasAttachment', 'Has attachment')}
          <p className="muted hint">&quot;Has attachment&quot; finds messages sent as multipart/mixed, the way mail with files is sent.</p>
          <div className="advanced-buttons">
            <button type="submit" className="button-secondary">
              Search
            </button>
            <button type="button" className="button-secondary" onClick={clear}>
              Clear
            </button>
          </div>
        </form>
      )}
      <div className="sort-controls">
        <label>
          Sort by{' '}
          <select value={query.sort} disabled={Boolean(query.threads)} onChange={(e) => void setQuery({ sort: e.target.value as MessageSortKey })}>
            {Object.entries(SORT_LABELS).map(([key, label]) => (
              <option key={key} value={key}>
                {label}
              </option>
            ))}
          </select>
        </label>
        <button type="button" className="button-secondary" aria-pressed={query.descending} onClick={() => void setQuery({ descending: !query.descending })}>
          <span aria-hidden="true">{query.descending ? '↓' : '↑'}</span> Descending
        </button>
        {sortFallback && <span className="muted">This server cannot sort; shown in arrival order.</span>}
        {/* Conversations are ordered by their newest message, so "Sort by" rests while they are on. */}
        <label className="check">
          <input
            type="checkbox"
            checked={Boolean(query.threads) && canThread}
            disabled={!canThread}
            aria-describedby={!canThread || threading === 'unreadable' || threading === 'too-large' ? 'threads-note' : undefined}
            onChange={(e) => void setQuery({ threads: e.target.checked })}
          />
          Conversations
        </label>
        {!canThread && (
          <span id="threads-note" className="muted">
            This server cannot group conversations.
          </span>
        )}
        {canThread && threading === 'unreadable' && (
          <span id="threads-note" className="muted">
            The server&apos;s conversations could not be read; shown as messages.
          </span>
        )}
        {canThread && threading === 'too-large' && (
          <span id="threads-note" className="muted">
            This folder is too large for conversations; shown as messages.
          </span>
        )}
      </div>
    </div>
  );
}
