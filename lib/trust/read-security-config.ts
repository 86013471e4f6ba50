// GET /api/security's answer as the browser uses it: the policy checked by the same strict parser
// the server used, and the organisation's roots parsed. The server is a pipe we do not trust with
// S/MIME decisions, but the anchors and the policy are the administrator's configuration, relayed:
// what is unreadable is refused as a whole rather than half-applied.
import { strictBase64Bytes } from '../api/directory-answer';
import type { SecurityConfigAnswer } from '../api/types';
import { PolicyError, parseSecurityPolicy } from '../policy/parse-security-policy';
import type { SecurityPolicy } from '../policy/security-policy';

import { type TrustAnchor, anchorFromDer } from './trust-anchors';

export interface SecurityConfig {
  policy: SecurityPolicy;
  organisationRoots: TrustAnchor[];
}

export class SecurityConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SecurityConfigError';
  }
}

export async function readSecurityConfig(answer: SecurityConfigAnswer): Promise<SecurityConfig> {
  let policy: SecurityPolicy;
  try {
    policy = parseSecurityPolicy(answer?.policy);
  } catch (err) {
    if (!(err instanceof PolicyError)) throw err;
    throw new SecurityConfigError(`The server sent a security policy that cannot be used: ${err.message}.`);
  }
  const encoded: unknown = answer?.organisationAnchors;
  if (!Array.isArray(encoded)) throw new SecurityConfigError("The server sent no list of the organisation's root certificates.");
  const organisationRoots = await Promise.all(
    encoded.map(async (b64, i) => {
      try {
        return await anchorFromDer(strictBase64Bytes(b64));
      } catch {
        throw new SecurityConfigError(`The organisation's root certificate ${i + 1} cannot be read.`);
      }
    }),
  );
  return { policy, organisationRoots };
}
