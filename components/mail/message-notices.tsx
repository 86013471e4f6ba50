import type { MessageNotice } from '@/lib/mail/parse-message';

/** What was wrong with a malformed message, said once above what could still be read. */
export function MessageNotices({ notices }: { notices: MessageNotice[] }) {
  if (notices.length === 0) return null;
  return (
    <div className="message-notice" role="status" aria-label="Problems with this message">
      <p>This message is malformed; it is shown as far as it could be read.</p>
      <ul>
        {notices.map((n) => (
          <li key={n.code}>{n.message}</li>
        ))}
      </ul>
    </div>
  );
}
