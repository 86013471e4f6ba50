import { z } from 'zod';

import { handle, parseOrThrow, readJsonBody } from '@/server/http';
import { pkiFetchRateLimit } from '@/server/pki/fetch-rate-limit';
import { MAX_RELAY_REQUEST_BYTES, relayPkiFetch } from '@/server/pki/relay-fetch';
import { requireSession } from '@/server/session/sessions';

const Body = z
  .object({
    url: z.string().min(1).max(2048),
    method: z.enum(['GET', 'POST']),
    body: z
      .string()
      .max(Math.ceil(MAX_RELAY_REQUEST_BYTES / 3) * 4)
      .regex(/^[A-Za-z0-9+/]*={0,2}$/)
      .optional(),
    contentType: z.string().max(100).regex(/^[\w.+-]+\/[\w.+-]+$/).optional(),
  })
  .strict()
  .refine((b) => b.method === 'POST' || b.body === undefined, 'a body needs POST');

/**
 * Relays a CRL, OCSP or AIA request for the browser's certificate checks: 200 with the answer's
 * bytes as application/octet-stream, never interpreted here (the browser verifies them).
 */
export async function POST(request: Request) {
  return handle(async () => {
    const session = await requireSession();
    const input = parseOrThrow(Body, await readJsonBody(request));
    pkiFetchRateLimit().take(session.id);
    const bytes = await relayPkiFetch({
      url: input.url,
      method: input.method,
      body: input.body === undefined ? undefined : new Uint8Array(Buffer.from(input.body, 'base64')),
      contentType: input.contentType,
    });
    return new Response(bytes as Uint8Array<ArrayBuffer>, {
      headers: { 'Content-Type': 'application/octet-stream', 'X-Content-Type-Options': 'nosniff' },
    });
  });
}
