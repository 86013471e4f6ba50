'use client';

import { type DragEvent, type KeyboardEvent, type MouseEvent, useEffect, useLayoutEffect, useRef, useState } from 'react';

import { useFolders, useMessageActions, useMessageList } from '@/stores/mail-stores-provider';

import { MessageListControls } from './message-list-controls';
import { MESSAGE_DRAG_TYPE, encodeMessageDrag } from './message-drag';
import { MessageRow, messageRowId } from './message-row';

/** Every row has this height (px, as in globals.css), so a position maps to a scroll offset. */
export const ROW_HEIGHT = 60;
/** Rows drawn above and below the viewport. */
const OVERSCAN = 6;
/** Scroll events within this many ms make one request for rows. */
const FETCH_DEBOUNCE_MS = 25;

/**
 * The open folder's view: a virtualized listbox named "Messages". Only the visible rows are in
 * the DOM; a spacer as tall as all rows keeps the scrollbar true, and rows are fetched from the
 * server by position as the user scrolls or jumps.
 */
export function MessageList() {
  const selectedPath = useFolders((s) => s.selectedPath);
  const folderName = useFolders((s) => s.folders.find((f) => f.path === s.selectedPath)?.name ?? (s.selectedPath === 'INBOX' ? 'Inbox' : s.selectedPath));
  const folder = useMessageList((s) => s.folder);
  const rows = useMessageList((s) => s.rows);
  const total = useMessageList((s) => s.total);
  const version = useMessageList((s) => s.version);
  const status = useMessageList((s) => s.status);
  const error = useMessageList((s) => s.error);
  const searching = useMessageList((s) => s.query.search !== null);
  const selectedUid = useMessageList((s) => s.selectedUid);
  const selectedUids = useMessageList((s) => s.selectedUids);
  const focusIndex = useMessageList((s) => s.focusIndex);
  const selectionNote = useMessageList((s) => s.selectionNote);
  const open = useMessageList((s) => s.open);
  const ensureRange = useMessageList((s) => s.ensureRange);
  const focusAt = useMessageList((s) => s.focusAt);
  const selectAll = useMessageList((s) => s.selectAll);
  const setQuery = useMessageList((s) => s.setQuery);
  const actions = useMessageActions();
  const listRef = useRef<HTMLDivElement>(null);
  const [viewport, setViewport] = useState({ top: 0, height: 800 });
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);

  // Opening a folder in the tree shows its messages from the top.
  useEffect(() => {
    void open(selectedPath);
    if (listRef.current) listRef.current.scrollTop = 0;
  }, [open, selectedPath]);

  const first = Math.max(0, Math.floor(viewport.top / ROW_HEIGHT) - OVERSCAN);
  const last = Math.min(total - 1, Math.ceil((viewport.top + viewport.height) / ROW_HEIGHT) + OVERSCAN);

  // The rows in view are fetched once scrolling pauses (and at once for a new view or size).
  useEffect(() => {
    clearTimeout(timer.current);
    timer.current = setTimeout(() => void ensureRange(first, last), FETCH_DEBOUNCE_MS);
    return () => clearTimeout(timer.current);
  }, [ensureRange, first, last, version, total, status]);

  useLayoutEffect(() => {
    const el = listRef.current;
    if (!el) return;
    const measure = () => setViewport({ top: el.scrollTop, height: el.clientHeight });
    measure();
    const observer = new ResizeObserver(measure);
    observer.observe(el);
    return () => observer.disconnect();
  }, []);

  // Keyboard focus on a row out of view scrolls it into view (it may not be drawn yet).
  useEffect(() => {
    const el = listRef.current;
    if (!el || focusIndex === null) return;
    const top = focusIndex * ROW_HEIGHT;
    if (top < el.scrollTop) el.scrollTop = top;
    else if (top + ROW_HEIGHT > el.scrollTop + el.clientHeight) el.scrollTop = top + ROW_HEIGHT - el.clientHeight;
  }, [focusIndex]);

  const pageRows = Math.max(1, Math.floor(viewport.height / ROW_HEIGHT) - 1);

  function onKeyDown(event: KeyboardEvent<HTMLDivElement>) {
    if (event.key === 'Escape' && searching) {
      event.preventDefault();
      void setQuery({ search: null });
      return;
    }
    if (total === 0) return;
    if (event.key === 'Delete' && (selectedUid !== null || selectedUids.length)) {
      event.preventDefault();
      void actions.move({ specialUse: 'trash' }, 'Moved to Trash.').catch(() => {});
      return;
    }
    if ((event.ctrlKey || event.metaKey) && event.key.toLowerCase() === 'a') {
      event.preventDefault();
      void selectAll();
      return;
    }
    const at = focusIndex ?? -1;
    const targets: Record<string, number> = {
      ArrowDown: at + 1,
      ArrowUp: Math.max(0, at - 1),
      Home: 0,
      End: total - 1,
      PageDown: at + pageRows,
      PageUp: Math.max(0, at - pageRows),
    };
    const target = targets[event.key];
    if (target === undefined) return;
    event.preventDefault();
    focusAt(target, { extend: event.shiftKey });
  }

  function onRowClick(event: MouseEvent, index: number) {
    focusAt(index, { toggle: event.ctrlKey || event.metaKey, extend: event.shiftKey });
    listRef.current?.focus({ preventScroll: true });
  }

  function onDragStart(event: DragEvent, index: number, uid: number) {
    if (!folder) return;
    // Dragging a selected row drags the selection; another row is dragged alone (and selected).
    const uids = selectedUids.includes(uid) ? selectedUids : [uid];
    if (!selectedUids.includes(uid)) focusAt(index);
    event.dataTransfer.setData(MESSAGE_DRAG_TYPE, encodeMessageDrag({ folder, uids }));
    event.dataTransfer.effectAllowed = 'copyMove'; // a drop moves; Ctrl held copies
  }

  const selected = new Set(selectedUids);
  const drawn = [];
  for (let i = first; i <= last; i++) {
    const m = rows.get(i);
    const style = { top: i * ROW_HEIGHT };
    drawn.push(
      m ? (
        <MessageRow
          key={`m${m.uid}`}
          message={m}
          selected={selected.has(m.uid)}
          focused={i === focusIndex}
          position={i + 1}
          setSize={total}
          style={style}
          onClick={(e) => onRowClick(e, i)}
          onDragStart={(e) => onDragStart(e, i, m.uid)}
        />
      ) : (
        <div key={`p${i}`} className="message-row placeholder-row" style={style} aria-hidden="true" />
      ),
    );
  }
  const focusedDrawn = focusIndex !== null && focusIndex >= first && focusIndex <= last && rows.get(focusIndex);
  const count = `${total.toLocaleString('en-US')} ${searching ? (total === 1 ? 'result' : 'results') : total === 1 ? 'message' : 'messages'}`;

  return (
    <section className="list-pane" aria-labelledby="message-list-heading">
      <div className="list-heading">
        <h2 id="message-list-heading">{folderName}</h2>
        <span className="muted" aria-live="polite">
          {status === 'loading' ? 'Loading…' : selectedUids.length > 1 ? `${count}, ${selectedUids.length} selected` : count}
        </span>
      </div>
      {/* Keyed by folder: another folder starts with empty search fields, as its view does. */}
      <MessageListControls key={folder ?? ''} />
      {status === 'error' && (
        <p role="alert" className="pane-error">
          {error}
        </p>
      )}
      {selectionNote && (
        <p role="status" className="list-note">
          {selectionNote}
        </p>
      )}
      <div
        ref={listRef}
        role="listbox"
        aria-label="Messages"
        aria-multiselectable="true"
        aria-busy={status === 'loading'}
        aria-activedescendant={focusedDrawn ? messageRowId(focusedDrawn.uid) : undefined}
        tabIndex={0}
        className="message-list"
        onScroll={(e) => setViewport({ top: e.currentTarget.scrollTop, height: e.currentTarget.clientHeight })}
        onKeyDown={onKeyDown}
      >
        <div className="message-list-spacer" role="presentation" style={{ height: total * ROW_HEIGHT }}>
          {drawn}
        </div>
      </div>
      {status === 'ready' && total === 0 && <p className="muted empty">{searching ? 'No messages match.' : 'This folder is empty.'}</p>}
    </section>
  );
}
