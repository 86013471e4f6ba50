'use client';

import { type KeyboardEvent, type UIEvent, useEffect } from 'react';

import { useFolders, useMessageActions, useMessageList } from '@/stores/mail-stores-provider';

import { MESSAGE_DRAG_TYPE, encodeMessageDrag } from './message-drag';
import { MessageRow, messageRowId } from './message-row';

/** Start loading the next page this many pixels before the end of the list. */
const LOAD_AHEAD_PX = 600;

/**
 * The open folder's messages: a listbox named "Messages", newest first, loading older pages as
 * the user scrolls or arrows past the end.
 */
export function MessageList() {
  const selectedPath = useFolders((s) => s.selectedPath);
  const folderName = useFolders((s) => s.folders.find((f) => f.path === s.selectedPath)?.name ?? (s.selectedPath === 'INBOX' ? 'Inbox' : s.selectedPath));
  const messages = useMessageList((s) => s.messages);
  const total = useMessageList((s) => s.total);
  const status = useMessageList((s) => s.status);
  const error = useMessageList((s) => s.error);
  const selectedUid = useMessageList((s) => s.selectedUid);
  const open = useMessageList((s) => s.open);
  const select = useMessageList((s) => s.select);
  const loadMore = useMessageList((s) => s.loadMore);
  const actions = useMessageActions();

  // Opening a folder in the tree shows its messages.
  useEffect(() => {
    void open(selectedPath);
  }, [open, selectedPath]);

  function onScroll(event: UIEvent<HTMLDivElement>) {
    const el = event.currentTarget;
    if (el.scrollTop + el.clientHeight > el.scrollHeight - LOAD_AHEAD_PX) void loadMore();
  }

  function onKeyDown(event: KeyboardEvent<HTMLDivElement>) {
    if (messages.length === 0) return;
    if (event.key === 'Delete' && selectedUid !== null) {
      event.preventDefault();
      void actions.move({ specialUse: 'trash' }, 'Moved to Trash.').catch(() => {});
      return;
    }
    const index = messages.findIndex((m) => m.uid === selectedUid);
    const next: Record<string, number> = { ArrowDown: index + 1, ArrowUp: Math.max(0, index - 1), Home: 0, End: messages.length - 1 };
    const target = next[event.key];
    if (target === undefined) return;
    event.preventDefault();
    if (target >= messages.length) {
      void loadMore();
      return;
    }
    const message = messages[target];
    if (!message) return;
    select(message.uid);
    document.getElementById(messageRowId(message.uid))?.scrollIntoView({ block: 'nearest' });
  }

  return (
    <section className="list-pane" aria-labelledby="message-list-heading">
      <div className="list-heading">
        <h2 id="message-list-heading">{folderName}</h2>
        <span className="muted" aria-live="polite">
          {status === 'loading' && messages.length === 0 ? 'Loading…' : `${total} ${total === 1 ? 'message' : 'messages'}`}
        </span>
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
        aria-activedescendant={selectedUid !== null ? messageRowId(selectedUid) : undefined}
        tabIndex={0}
        className="message-list"
        onScroll={onScroll}
        onKeyDown={onKeyDown}
      >
        {messages.map((m) => (
          <MessageRow
            key={m.uid}
            message={m}
            selected={m.uid === selectedUid}
            onSelect={() => select(m.uid)}
            onDragStart={(e) => {
              e.dataTransfer.effectAllowed = 'copyMove';
              e.dataTransfer.setData(MESSAGE_DRAG_TYPE, encodeMessageDrag({ folder: selectedPath, uids: [m.uid] }));
            }}
          />
        ))}
      </div>
      {status === 'ready' && messages.length === 0 && <p className="muted empty">This folder is empty.</p>}
    </section>
  );
}
