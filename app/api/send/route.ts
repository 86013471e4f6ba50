import { NextResponse } from 'next/server';
import { z } from 'zod';

import type { SendResult } from '@/lib/api/types';
import { AppError } from '@/server/errors';
import { handle, parseOrThrow } from '@/server/http';
import { MAX_MESSAGE_BYTES, MAX_RECIPIENTS, sendMessage } from '@/server/mail/send-message';
import { requireSession } from '@/server/session/sessions';
import { SMTP_REJECTED_STATUS, SmtpRejectedError } from '@/server/smtp/smtp-client';
import { isEnvelopeAddress } from '@/server/smtp/smtp-wire';

/** Base64 of the largest message. */
const MAX_RAW_CHARS = Math.ceil(MAX_MESSAGE_BYTES / 3) * 4;
/** The whole JSON body: the message plus 100 recipients and the JSON around them. */
const MAX_BODY_BYTES = MAX_RAW_CHARS + 64 * 1024;

const SendBody = z.object({
  // Size and strict base64 are checked below: too long is 413, not 400.
  raw: z.string().min(4),
  to: z.array(z.string().max(320).refine(isEnvelopeAddress)).min(1).max(MAX_RECIPIENTS),
});

/**
 * The JSON body, read up to MAX_BODY_BYTES ('message-too-large' past it). Only
 * `Content-Type: application/json`, as in readJsonBody (no cross-site form can send it).
 */
async function readBody(request: Request): Promise<unknown> {
  const type = request.headers.get('content-type')?.split(';')[0]?.trim().toLowerCase();
  if (type !== 'application/json') throw new AppError('bad-request', `content-type ${type ?? 'missing'}`);
  if (Number(request.headers.get('content-length')) > MAX_BODY_BYTES) throw new AppError('message-too-large', 'content-length');
  if (!request.body) throw new AppError('bad-request', 'no body');
  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = request.body.getReader();
  for (let r = await reader.read(); !r.done; r = await reader.read()) {
    size += r.value.byteLength;
    if (size > MAX_BODY_BYTES) {
      await reader.cancel();
      throw new AppError('message-too-large', `body over ${MAX_BODY_BYTES} bytes`);
    }
    chunks.push(r.value);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    throw new AppError('bad-request', 'body is not JSON');
  }
}

/** Canonical base64 only: Buffer.from() would skip stray characters and send other bytes. */
function decodeRaw(raw: string): Buffer {
  if (raw.length > MAX_RAW_CHARS) throw new AppError('message-too-large', `${raw.length} base64 characters`);
  const bytes = Buffer.from(raw, 'base64');
  if (raw.length % 4 !== 0 || bytes.toString('base64') !== raw) throw new AppError('bad-request', 'raw is not base64');
  return bytes;
}

/**
 * Send: { raw: base64 RFC 5322 message, to: envelope recipients } -> 200 SendResult. The bytes
 * are submitted unchanged and the same bytes stored in Sent. A refusal by the SMTP server is
 * 422 'smtp-rejected' with the server's reply in the message (and rejectedRecipients).
 */
export async function POST(request: Request) {
  return handle(async () => {
    const session = await requireSession();
    const body = parseOrThrow(SendBody, await readBody(request));
    try {
      const outcome = await sendMessage(session, { raw: decodeRaw(body.raw), envelope: { to: body.to } });
      return { sent: outcome.sent, savedToSent: outcome.savedToSent, sentFolder: outcome.sentFolder } satisfies SendResult;
    } catch (err) {
      if (err instanceof SmtpRejectedError) return NextResponse.json(err.toApiError(), { status: SMTP_REJECTED_STATUS });
      throw err;
    }
  });
}
