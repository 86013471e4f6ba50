'use client';

import { type KeyboardEvent, type UIEvent } from 'react';

import type { MessageSummary } from '@/lib/api/types';
import { useFolders, useMessageList } from '@/stores/mail-stores-provider';

const dateFormat = new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'short', year: 'numeric' });
const timeFormat = new Intl.DateTimeFormat('en-GB', { hour: '2-digit', minute: '2-digit' });

function shortDate(iso: string): string {
  const d = new Date(iso);
  return d.toDateString() === new Date().toDateString() ? timeFormat.format(d) : dateFormat.format(d);
}

function sender(m: MessageSummary): string {
  return m.from?.name || m.from?.address || '(unknown sender)';
}

export function MessageList() {
  const folderName = useFolders((s) => s.folders.find((f) => f.path === s.selectedPath)?.name ?? s.selectedPath);
  const messages = useMessageList((s) => s.messages);
  const total = useMessageList((s) => s.total);
  const status = useMessageList((s) => s.status);
  const error = useMessageList((s) => s.error);
  const selectedUid = useMessageList((s) => s.selectedUid);
  const select = useMessageList((s) => s.select);
  const loadMore = useMessageList((s) => s.loadMore);

  function onScroll(event: UIEvent<HTMLDivElement>) {
    const el = event.currentTarget;
    if (el.scrollTop + el.clientHeight > el.scrollHeight - 400) void loadMore();
  }

  function onKeyDown(event: KeyboardEvent<HTMLDivElement>) {
    const index = messages.findIndex((m) => m.uid === selectedUid);
    const step = event.key === 'ArrowDown' || event.key === 'j' ? 1 : event.key === 'ArrowUp' || event.key === 'k' ? -1 : 0;
    const target = messages[Math.max(0, index + step)];
    if (step && target) {
      event.preventDefault();
      select(target.uid);
      document.getElementById(`msg-${target.uid}`)?.scrollIntoView({ block: 'nearest' });
    }
  }

  return (
    <section className="list-pane" aria-label="Message list">
      <div className="list-heading">
        <h2>{folderName}</h2>
        <span className="muted">{status === 'loading' && messages.length === 0 ? 'Loading…' : `${total} messages`}</span>
      </div>
      {status === 'error' && (
        <p role="alert" className="pane-error">
          {error}
        </p>
      )}
      <div
        role="listbox"
        aria-label="Messages"
        aria-busy={status === 'loading'}
        aria-activedescendant={selectedUid ? `msg-${selectedUid}` : undefined}
        tabIndex={0}
        className="message-list"
        onScroll={onScroll}
        onKeyDown={onKeyDown}
      >
        {messages.map((m) => (
          <div
            key={m.uid}
            id={`msg-${m.uid}`}
            role="option"
            aria-selected={m.uid === selectedUid}
            className={`message-row${m.seen ? '' : ' unread'}${m.uid === selectedUid ? ' selected' : ''}`}
            onClick={() => select(m.uid)}
          >
            <div className="row-top">
              <span className="row-sender">{sender(m)}</span>
              <span className="row-marks">
                {!m.seen && <span className="mark mark-unread" title="Unread" aria-label="Unread" role="img">●</span>}
                {m.flagged && <span className="mark mark-flag" title="Flagged" aria-label="Flagged" role="img">⚑</span>}
                {m.hasAttachment && <span className="mark" title="Has attachment" aria-label="Has attachment" role="img">📎</span>}
              </span>
              <time className="row-date" dateTime={m.date}>
                {shortDate(m.date)}
              </time>
            </div>
            <div className="row-subject">{m.subject || '(no subject)'}</div>
          </div>
        ))}
        {status === 'ready' && messages.length === 0 && <p className="muted empty">This folder is empty.</p>}
      </div>
    </section>
  );
}
