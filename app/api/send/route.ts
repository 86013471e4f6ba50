import { NextResponse } from 'next/server';
import { z } from 'zod';

import type { ProtectedSendResult, SendResult } from '@/lib/api/types';
import { handle, parseOrThrow } from '@/server/http';
import { decodeRawMessage, readMessageBody } from '@/server/mail/raw-message-request';
import { MAX_RECIPIENTS, MAX_SEPARATE_MESSAGES, sendMessage } from '@/server/mail/send-message';
import { requireSession } from '@/server/session/sessions';
import { SMTP_REJECTED_STATUS, SmtpRejectedError } from '@/server/smtp/smtp-client';
import { isEnvelopeAddress } from '@/server/smtp/smtp-wire';

const Recipients = z.array(z.string().max(320).refine(isEnvelopeAddress)).max(MAX_RECIPIENTS);
// Size and strict base64 are checked in decodeRawMessage: too long is 413, not 400.
const Raw = z.string().min(4);

const SendBody = z
  .object({
    raw: Raw,
    to: Recipients,
    separate: z.array(z.object({ raw: Raw, to: Recipients.min(1) }).strict()).max(MAX_SEPARATE_MESSAGES).optional(),
  })
  // Without copies the message needs a recipient; with them it may only go to Sent.
  .refine((b) => b.to.length > 0 || (b.separate?.length ?? 0) > 0);

/**
 * Send: { raw: base64 RFC 5322 message, to: envelope recipients, separate?: [{ raw, to }] } ->
 * 200 SendResult (with `separate`: ProtectedSendResult). The bytes are submitted unchanged and
 * the main message's stored in Sent; each separate copy goes to its own recipients only. A
 * refusal of the main message by the SMTP server is 422 'smtp-rejected' with the server's reply
 * (and rejectedRecipients); a refused copy after the main message went out is in `separate`.
 */
export async function POST(request: Request) {
  return handle(async () => {
    const session = await requireSession();
    const body = parseOrThrow(SendBody, await readMessageBody(request));
    const separate = body.separate?.map((copy) => ({ raw: decodeRawMessage(copy.raw), to: copy.to }));
    try {
      const outcome = await sendMessage(session, { raw: decodeRawMessage(body.raw), envelope: { to: body.to }, ...(separate ? { separate } : {}) });
      const result: SendResult = { sent: outcome.sent, savedToSent: outcome.savedToSent, sentFolder: outcome.sentFolder };
      return separate ? ({ ...result, separate: outcome.separate } satisfies ProtectedSendResult) : result;
    } catch (err) {
      if (err instanceof SmtpRejectedError) return NextResponse.json(err.toApiError(), { status: SMTP_REJECTED_STATUS });
      throw err;
    }
  });
}
