import type { DragEvent } from 'react';

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

/** One option of the "Messages" listbox: sender, marks, date, subject. */
export function MessageRow({
  message: m,
  selected,
  onSelect,
  onDragStart,
}: {
  message: MessageSummary;
  selected: boolean;
  onSelect: () => void;
  /** Makes the row draggable onto a folder (components/mail/message-drag.ts). */
  onDragStart?: (event: DragEvent<HTMLDivElement>) => void;
}) {
  const sender = m.from?.name || m.from?.address || '(unknown sender)';
  return (
    <div
      id={messageRowId(m.uid)}
      role="option"
      aria-selected={selected}
      className={`message-row${m.seen ? '' : ' unread'}${selected ? ' selected' : ''}`}
      onClick={onSelect}
      draggable={onDragStart ? true : undefined}
      onDragStart={onDragStart}
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
