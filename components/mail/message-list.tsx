'use client';

import { type DragEvent, type KeyboardEvent, type MouseEvent, useEffect, useLayoutEffect, useMemo, useRef, useState } from 'react';

import { useFolders, useMessageActions, useMessageList } from '@/stores/mail-stores-provider';
import { displayIndexOf, displayTotal, expansionsOf, rowAt } from '@/stores/thread-layout';

import { MessageListControls } from './message-list-controls';
import { MESSAGE_DRAG_TYPE, encodeMessageDrag } from './message-drag';
import { MessageRow, messageRowId, threadChildRowId } from './message-row';

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
  // Conversation view: a tree of threads, expanded ones with their messages below them.
  const threaded = useMessageList((s) => s.threading === 'on');
  const expanded = useMessageList((s) => s.expanded);
  const focusedChild = useMessageList((s) => s.focusedChild);
  const toggleThread = useMessageList((s) => s.toggleThread);
  const focusChild = useMessageList((s) => s.focusChild);
  const actionUids = useMessageList((s) => s.actionUids);
  const expansions = useMemo(() => (threaded ? expansionsOf(rows, expanded) : []), [threaded, rows, expanded]);
  const shown = displayTotal(total, expansions);
  const actions = useMessageActions();
  const listRef = useRef<HTMLDivElement>(null);
  const [viewport, setViewport] = useState({ top: 0, height: 800 });
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);

  // Opening a folder in the tree shows its messages from the top.
  useEffect(() => {
    void open(selectedPath);
    if (listRef.current) listRef.current.scrollTop = 0;
  }, [open, selectedPath]);

  // Display indices (rows on screen, children included) and the view positions under them.
  const first = Math.max(0, Math.floor(viewport.top / ROW_HEIGHT) - OVERSCAN);
  const last = Math.min(shown - 1, Math.ceil((viewport.top + viewport.height) / ROW_HEIGHT) + OVERSCAN);
  const firstPosition = rowAt(first, expansions).position;
  const lastPosition = last >= 0 ? rowAt(last, expansions).position : -1;
  const focusedExpansion = focusedChild !== null ? expansions.find((e) => e.position === focusIndex) : undefined;
  const childIndex = focusedExpansion ? focusedExpansion.children.findIndex((c) => c.uid === focusedChild) : -1;
  const focusDisplay = focusIndex === null ? null : displayIndexOf(focusIndex, childIndex >= 0 ? childIndex : null, expansions);

  // The rows in view are fetched once scrolling pauses (and at once for a new view or size).
  useEffect(() => {
    clearTimeout(timer.current);
    timer.current = setTimeout(() => void ensureRange(firstPosition, lastPosition), FETCH_DEBOUNCE_MS);
    return () => clearTimeout(timer.current);
  }, [ensureRange, firstPosition, lastPosition, version, total, status]);

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
    if (!el || focusDisplay === null) return;
    const top = focusDisplay * ROW_HEIGHT;
    if (top < el.scrollTop) el.scrollTop = top;
    else if (top + ROW_HEIGHT > el.scrollTop + el.clientHeight) el.scrollTop = top + ROW_HEIGHT - el.clientHeight;
  }, [focusDisplay]);

  /** Focuses the row at a display index: a thread (or message) row, or an expanded thread's message. */
  function focusDisplayRow(index: number, extend: boolean) {
    const r = rowAt(Math.max(0, Math.min(shown - 1, index)), expansions);
    const child = r.child !== null ? expansions.find((e) => e.position === r.position)?.children[r.child] : undefined;
    if (child) focusChild(child.uid);
    else focusAt(r.position, { extend });
  }

  /** ArrowRight/ArrowLeft in the conversation tree: open, enter, leave, close (the tree pattern). */
  function onTreeKey(key: string): boolean {
    if (focusIndex === null) return false;
    const head = rows.get(focusIndex);
    if (!head?.thread || head.thread.count < 2) return key === 'ArrowRight' || key === 'ArrowLeft';
    const open = expanded.has(head.uid);
    if (key === 'ArrowRight') {
      if (!open) void toggleThread(head.uid, true);
      else if (focusedChild === null && focusDisplay !== null) focusDisplayRow(focusDisplay + 1, false);
      return true;
    }
    if (key === 'ArrowLeft') {
      if (focusedChild !== null) focusAt(focusIndex);
      else if (open) void toggleThread(head.uid, false);
      return true;
    }
    return false;
  }

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
    if (threaded && onTreeKey(event.key)) {
      event.preventDefault();
      return;
    }
    const at = focusDisplay ?? -1;
    const targets: Record<string, number> = {
      ArrowDown: at + 1,
      ArrowUp: Math.max(0, at - 1),
      Home: 0,
      End: shown - 1,
      PageDown: at + pageRows,
      PageUp: Math.max(0, at - pageRows),
    };
    const target = targets[event.key];
    if (target === undefined) return;
    event.preventDefault();
    focusDisplayRow(target, event.shiftKey);
  }

  function onRowClick(event: MouseEvent, index: number) {
    focusAt(index, { toggle: event.ctrlKey || event.metaKey, extend: event.shiftKey });
    listRef.current?.focus({ preventScroll: true });
  }

  function onDragStart(event: DragEvent, index: number, uid: number) {
    if (!folder) return;
    // Dragging a selected row drags the selection; another row is dragged alone (and selected).
    // A conversation row drags all its messages.
    if (!selectedUids.includes(uid)) focusAt(index);
    const uids = actionUids();
    event.dataTransfer.setData(MESSAGE_DRAG_TYPE, encodeMessageDrag({ folder, uids }));
    event.dataTransfer.effectAllowed = 'copyMove'; // a drop moves; Ctrl held copies
  }

  const selected = new Set(selectedUids);
  const drawn = [];
  let focusedId: string | undefined;
  for (let d = first; d <= last; d++) {
    const { position: i, child } = rowAt(d, expansions);
    const style = { top: d * ROW_HEIGHT };
    const focused = d === focusDisplay;
    if (child !== null) {
      const e = expansions.find((x) => x.position === i)!;
      const c = e.children[child]!;
      if (focused) focusedId = threadChildRowId(c.uid);
      drawn.push(
        <MessageRow
          key={`c${e.headUid}-${c.uid}`}
          message={c}
          selected={focusedChild !== null && selected.has(c.uid)}
          focused={focused}
          position={child + 1}
          setSize={e.children.length}
          style={style}
          tree={{ level: 2 }}
          onClick={() => {
            focusChild(c.uid);
            listRef.current?.focus({ preventScroll: true });
          }}
        />,
      );
      continue;
    }
    const m = rows.get(i);
    if (m && focused) focusedId = messageRowId(m.uid);
    drawn.push(
      m ? (
        <MessageRow
          key={`m${m.uid}`}
          message={m}
          selected={selected.has(m.uid) && focusedChild === null}
          focused={focused}
          position={i + 1}
          setSize={total}
          style={style}
          tree={threaded ? { level: 1, expanded: expanded.has(m.uid), onToggle: () => void toggleThread(m.uid) } : undefined}
          onClick={(e) => onRowClick(e, i)}
          onDragStart={(e) => onDragStart(e, i, m.uid)}
        />
      ) : (
        <div key={`p${i}`} className="message-row placeholder-row" style={style} aria-hidden="true" />
      ),
    );
  }
  const noun = searching ? (total === 1 ? 'result' : 'results') : threaded ? (total === 1 ? 'conversation' : 'conversations') : total === 1 ? 'message' : 'messages';
  const count = `${total.toLocaleString('en-US')} ${noun}`;

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
        role={threaded ? 'tree' : 'listbox'}
        aria-label="Messages"
        aria-multiselectable="true"
        aria-busy={status === 'loading'}
        aria-activedescendant={focusedId}
        tabIndex={0}
        className="message-list"
        onScroll={(e) => setViewport({ top: e.currentTarget.scrollTop, height: e.currentTarget.clientHeight })}
        onKeyDown={onKeyDown}
      >
        <div className="message-list-spacer" role="presentation" style={{ height: shown * ROW_HEIGHT }}>
          {drawn}
        </div>
      </div>
      {status === 'ready' && total === 0 && <p className="muted empty">{searching ? 'No messages match.' : 'This folder is empty.'}</p>}
    </section>
  );
}
