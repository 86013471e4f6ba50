import fs from 'node:fs';
import path from 'node:path';

import { vi } from 'vitest';

import { stack } from './stack';

/**
 * Puts the test stack's app.env.json into process.env, as the app server gets it. Server modules
 * read their configuration once, so call this before importing them; vi.unstubAllEnvs() undoes it.
 */
export function stubAppEnv(): void {
  const env = JSON.parse(fs.readFileSync(path.join(stack.stateDir, 'app.env.json'), 'utf8')) as Record<string, string>;
  for (const [name, value] of Object.entries(env)) vi.stubEnv(name, value);
}
