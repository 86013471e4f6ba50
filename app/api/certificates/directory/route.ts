import { z } from 'zod';

import type { DirectoryCertificatesAnswer } from '@/lib/api/types';
import { handle, parseOrThrow, readJsonBody } from '@/server/http';
import { MAX_CERTIFICATE_ADDRESSES, directoryCertificates } from '@/server/ldap/directory-certificates';
import { requireSession } from '@/server/session/sessions';
import { isEnvelopeAddress } from '@/server/smtp/smtp-wire';

const LookupBody = z.object({
  emails: z.array(z.string().max(320).refine(isEnvelopeAddress)).min(1).max(MAX_CERTIFICATE_ADDRESSES),
});

/**
 * Recipients' certificates from the directory: { emails } -> 200 DirectoryCertificatesAnswer,
 * the unparsed values as base64. The browser parses and validates them; nothing here is trusted.
 * Errors: 'directory-unavailable'.
 */
export async function POST(request: Request) {
  return handle(async () => {
    await requireSession();
    const { emails } = parseOrThrow(LookupBody, await readJsonBody(request));
    const found = await directoryCertificates(emails);
    return {
      results: found.map((r) => ({
        email: r.email,
        certificates: r.certificates.map((c) => c.toString('base64')),
        smimeBundles: r.smimeBundles.map((b) => b.toString('base64')),
      })),
    } satisfies DirectoryCertificatesAnswer;
  });
}
