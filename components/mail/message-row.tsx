import type { CSSProperties, DragEvent, MouseEvent } from 'react';

import type { MessageSummary } from '@/lib/api/types';

import { Icon } from './icons';
import { SecurityMark } from './security-marks';

const sameDay = (a: Date, b: Date) => a.toDateString() === b.toDateString();
const timeFormat = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' });
const dayFormat = new Intl.DateTimeFormat(undefined, { day: 'numeric', month: 'short' });
const dateFormat = new Intl.DateTimeFormat(undefined, { day: 'numeric', month: 'short', year: 'numeric' });

/** Today: the time; this year: day and month; older: the full date. */
function shortDate(iso: string, now = new Date()): string {
  const d = new Date(iso);
  if (sameDay(d, now)) return timeFormat.format(d);
  return d.getFullYear() === now.getFullYear() ? dayFormat.format(d) : dateFormat.format(d);
}

export function messageRowId(uid: number): string {
  return `message-${uid}`;
}

/** An expanded conversation's message (its newest is also the conversation row: ids differ). */
export function threadChildRowId(uid: number): string {
  return `thread-message-${uid}`;
}

/** The conversation view draws a tree: rows are treeitems with a level (1 thread, 2 its messages). */
export interface TreeRowProps {
  level: 1 | 2;
  /** Set for a conversation of two or more messages. */
  expanded?: boolean;
  onToggle?: () => void;
}

interface RowProps {
  message: MessageSummary;
  selected: boolean;
  /** The keyboard focus (aria-activedescendant) is on this row. */
  focused?: boolean;
  /** 1-based position in the whole view, and the view's size (the DOM holds only some rows). */
  position?: number;
  setSize?: number;
  style?: CSSProperties;
  onClick: (event: MouseEvent) => void;
  onDragStart?: (event: DragEvent) => void;
  /** In the conversation view. */
  tree?: TreeRowProps;
}

/** One option of the "Messages" listbox: sender, marks, date, subject. Draggable onto a folder. */
export function MessageRow({ message: m, selected, focused = false, position, setSize, style, onClick, onDragStart, tree }: RowProps) {
  const sender = m.from?.name || m.from?.address || '(unknown sender)';
  const child = tree?.level === 2;
  const thread = !child && m.thread && m.thread.count > 1 ? m.thread : null;
  const unread = thread ? thread.unread > 0 : !m.seen;
  return (
    <div
      id={child ? threadChildRowId(m.uid) : messageRowId(m.uid)}
      role={tree ? 'treeitem' : 'option'}
      aria-selected={selected}
      aria-posinset={position}
      aria-setsize={setSize}
      aria-level={tree?.level}
      aria-expanded={thread ? (tree?.expanded ?? false) : undefined}
      className={`message-row${unread ? ' unread' : ''}${selected ? ' selected' : ''}${focused ? ' focused' : ''}${child ? ' thread-child' : ''}`}
      style={style}
      draggable={Boolean(onDragStart)}
      onDragStart={onDragStart}
      onClick={onClick}
    >
      <div className="row-top">
        {thread && (
          // Pointer only: the keyboard uses ArrowRight/ArrowLeft on the tree, as the tree pattern does.
          <span
            className="thread-toggle"
            aria-hidden="true"
            title={tree?.expanded ? 'Collapse conversation' : 'Expand conversation'}
            onClick={(e) => {
              e.stopPropagation();
              tree?.onToggle?.();
            }}
          >
            {tree?.expanded ? '▾' : '▸'}
          </span>
        )}
        <span className="row-sender" title={m.from?.address}>
          {sender}
        </span>
        <span className="row-marks">
          {thread && <span className="thread-count">{thread.count} messages</span>}
          {thread && thread.unread > 0 && (
            <span className="mark mark-unread" role="img" aria-label={`${thread.unread} unread`} title={`${thread.unread} unread`}>
              ●
            </span>
          )}
          {!thread && !m.seen && (
            <span className="mark mark-unread" role="img" aria-label="Unread" title="Unread">
              ●
            </span>
          )}
          {m.flagged && (
            <span className="mark mark-flag" role="img" aria-label="Flagged" title="Flagged">
              <Icon name="flag" />
            </span>
          )}
          <SecurityMark security={m.security ?? null} />
          {m.hasAttachment && (
            <span className="mark" role="img" aria-label="Has attachment" title="Has attachment">
              <Icon name="attachment" />
            </span>
          )}
        </span>
        <time className="row-date" dateTime={m.date} title={new Date(m.date).toLocaleString()}>
          {shortDate(m.date)}
        </time>
      </div>
      <div className="row-subject">{m.subject || '(no subject)'}</div>
    </div>
  );
}
