import { z } from 'zod';

import { MAX_CONTACT_QUERY_CHARS, suggestContacts } from '@/server/contacts/suggest-contacts';
import { handle, parseOrThrow } from '@/server/http';
import { requireSession } from '@/server/session/sessions';

const Query = z.object({
  q: z.string().trim().min(1).max(MAX_CONTACT_QUERY_CHARS).regex(/^\P{Cc}+$/u),
});

/** Address completion: 200 ContactSuggestions, recent correspondents first, then the directory. */
export async function GET(request: Request) {
  return handle(async () => {
    const session = await requireSession();
    const { q } = parseOrThrow(Query, Object.fromEntries(new URL(request.url).searchParams));
    return suggestContacts(session, q);
  });
}
