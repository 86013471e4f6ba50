import fs from 'node:fs';
import path from 'node:path';

import { resolveInstance } from '../../scripts/stack/instance.mjs';

// The stack instance the integration tests run against (scripts/test.mjs starts "test").
export const stack = resolveInstance(process.env.SEALPOST_STACK_INSTANCE ?? 'test');

/** What scripts/stack/pki.mjs writes to <state>/pki/manifest.json (absolute paths). */
export interface PkiManifest {
  root: { cert: string; certDer: string; key: string; crl: string };
  issuing: { cert: string; certDer: string; key: string; index: string; crl: string; crlPem: string };
  ocsp: { cert: string; key: string };
  users: Record<
    string,
    { email: string; status: string; key: string; cert: string; certDer: string; p12: string; p12Password: string }
  >;
  legacyP12: Record<string, string>;
  trustAnchors: string;
  chain: string;
  urls: { crl: string; rootCrl: string; caIssuers: string; rootCaIssuers: string; ocsp: string };
}

export function pkiManifest(): PkiManifest {
  return JSON.parse(fs.readFileSync(path.join(stack.dirs.pki, 'manifest.json'), 'utf8')) as PkiManifest;
}
