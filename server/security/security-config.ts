import 'server-only';

import type { SecurityConfigAnswer } from '@/lib/api/types';

import { config } from '../config';
import { organisationAnchors } from './organisation-anchors';

/** GET /api/security's answer: the policy and the organisation's roots, both from configuration. */
export function securityConfig(): SecurityConfigAnswer {
  const { policy, trustAnchorsFile } = config();
  return { policy, organisationAnchors: organisationAnchors(trustAnchorsFile).map((der) => der.toString('base64')) };
}
