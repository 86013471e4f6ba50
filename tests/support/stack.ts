import fs from 'node:fs';
import path from 'node:path';

import { resolveInstance } from '../../scripts/stack/instance.mjs';

// The stack instance the integration tests run against (scripts/test.mjs starts "test").
export const stack = resolveInstance(process.env.SEALPOST_STACK_INSTANCE ?? 'test');

export interface PkiManifest {
  trustAnchors: string;
  users: Record<string, { email: string; cert: string; certDer: string; p12: string; p12Password: string }>;
  [key: string]: unknown;
}

export function pkiManifest(): PkiManifest {
  return JSON.parse(fs.readFileSync(path.join(stack.dirs.pki, 'manifest.json'), 'utf8')) as PkiManifest;
}
