import type { CSSProperties, DragEvent, MouseEvent } from 'react';

import type { MessageSummary } from '@/lib/api/types';

import { Icon } from './icons';

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
}

/** One option of the "Messages" listbox: sender, marks, date, subject. Draggable onto a folder. */
export function MessageRow({ message: m, selected, focused = false, position, setSize, style, onClick, onDragStart }: RowProps) {
  const sender = m.from?.name || m.from?.address || '(unknown sender)';
  return (
    <div
      id={messageRowId(m.uid)}
      role="option"
      aria-selected={selected}
      aria-posinset={position}
      aria-setsize={setSize}
      className={`message-row${m.seen ? '' : ' unread'}${selected ? ' selected' : ''}${focused ? ' focused' : ''}`}
      style={style}
      draggable={Boolean(onDragStart)}
      onDragStart={onDragStart}
      onClick={onClick}
    >
      <div className="row-top">
        <span className="row-sender" title={m.from?.address}>
          {sender}
        </span>
        <span className="row-marks">
          {!m.seen && (
            <span className="mark mark-unread" role="img" aria-label="Unread" title="Unread">
              ●
            </span>
          )}
          {m.flagged && (
            <span className="mark mark-flag" role="img" aria-label="Flagged" title="Flagged">
              <Icon name="flag" />
            </span>
          )}
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
