import { NextResponse } from 'next/server';
import { z } from 'zod';

import type { SendResult } from '@/lib/api/types';
import { handle, parseOrThrow } from '@/server/http';
import { decodeRawMessage, readMessageBody } from '@/server/mail/raw-message-request';
import { MAX_RECIPIENTS, sendMessage } from '@/server/mail/send-message';
import { requireSession } from '@/server/session/sessions';
import { SMTP_REJECTED_STATUS, SmtpRejectedError } from '@/server/smtp/smtp-client';
import { isEnvelopeAddress } from '@/server/smtp/smtp-wire';

const SendBody = z
  .object({
    // Size and strict base64 are checked in decodeRawMessage: too long is 413, not 400.
    raw: z.string().min(4),
    to: z.array(z.string().max(320).refine(isEnvelopeAddress)).min(1).max(MAX_RECIPIENTS),
    saveToSent: z.boolean().optional(),
  })
  .strict();

/**
 * Send: { raw: base64 RFC 5322 message, to: envelope recipients, saveToSent?: false for a copy
 * that must not be stored } -> 200 SendResult. The bytes are submitted unchanged and stored in
 * Sent. A refusal by the SMTP server is 422 'smtp-rejected' with the server's reply (and
 * rejectedRecipients). A protected send with separate copies is several of these requests
 * (lib/api/send-protected.ts), so each stays within one message's size.
 */
export async function POST(request: Request) {
  return handle(async () => {
    const session = await requireSession();
    const body = parseOrThrow(SendBody, await readMessageBody(request));
    try {
      const outcome = await sendMessage(session, { raw: decodeRawMessage(body.raw), envelope: { to: body.to }, saveToSent: body.saveToSent ?? true });
      return { sent: outcome.sent, savedToSent: outcome.savedToSent, sentFolder: outcome.sentFolder } satisfies SendResult;
    } catch (err) {
      if (err instanceof SmtpRejectedError) return NextResponse.json(err.toApiError(), { status: SMTP_REJECTED_STATUS });
      throw err;
    }
  });
}
