import { z } from 'zod';

import { openLiveStream } from '@/server/events/live-streams';
import { handle, parseOrThrow } from '@/server/http';
import { requireSession } from '@/server/session/sessions';
import { folderPath } from '@/server/request-schemas';

// Same rule as /api/messages: the folder is one URL-encoded query parameter.
const Query = z.object({ folder: folderPath });

/**
 * New mail without reloading: a text/event-stream of LiveEvents (lib/live/live-events.ts) for the
 * folder the user has open. 401 'not-signed-in' as JSON when there is no session.
 */
export async function GET(request: Request) {
  return handle(async () => {
    const session = await requireSession();
    const { folder } = parseOrThrow(Query, Object.fromEntries(new URL(request.url).searchParams));
    return new Response(openLiveStream(session, folder, request.signal), {
      headers: {
        'Content-Type': 'text/event-stream; charset=utf-8',
        // Reverse proxies (nginx) must pass each event on at once instead of buffering.
        'X-Accel-Buffering': 'no',
        Connection: 'keep-alive',
      },
    });
  });
}

// Never prerendered or cached: every request is a new stream.
export const dynamic = 'force-dynamic';
