import { handle } from '@/server/http';
import { securityConfig } from '@/server/security/security-config';
import { requireSession } from '@/server/session/sessions';

/**
 * The administrator's S/MIME policy and the organisation's trust anchors (base64 DER), for the
 * signed-in browser, which enforces the one and verifies chains to the other. Errors: 'not-signed-in'.
 */
export async function GET() {
  return handle(async () => {
    await requireSession();
    return securityConfig();
  });
}
