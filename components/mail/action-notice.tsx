'use client';

import { useNotice } from '@/stores/mail-stores-provider';

/** The outcome of a copy, a drop or emptying a folder, until dismissed or the next one. */
export function ActionNotice() {
  const notice = useNotice((s) => s.notice);
  const clear = useNotice((s) => s.clear);
  if (!notice) return null;
  return (
    <div role={notice.kind === 'error' ? 'alert' : 'status'} className={`action-notice${notice.kind === 'error' ? ' error' : ''}`}>
      {notice.text}{' '}
      <button type="button" onClick={clear}>
        Dismiss
      </button>
    </div>
  );
}
