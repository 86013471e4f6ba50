import 'server-only';

import type { FetchMessageObject, FetchQueryObject, ImapFlow } from 'imapflow';

/**
 * UID FETCH of one message; when it answers nothing, NOOP (which makes the server announce
 * messages that arrived since the folder was selected, RFC 3501 section 6.1.2) and ask once more.
 * A message appended by another client is then found instead of reported missing.
 */
export async function fetchOneFresh(client: ImapFlow, uid: number, query: FetchQueryObject): Promise<FetchMessageObject | false> {
  const first = await client.fetchOne(String(uid), query, { uid: true });
  if (first) return first;
  await client.noop();
  return client.fetchOne(String(uid), query, { uid: true });
}
