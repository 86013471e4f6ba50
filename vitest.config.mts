import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const root = path.dirname(fileURLToPath(import.meta.url));

// Two tiers: unit tests sit beside their source; integration tests run against the real local
// mail stack (started by scripts/test.mjs, instance "test") and live under tests/integration.
export default defineConfig({
  resolve: {
    alias: {
      '@': root,
      'server-only': path.join(root, 'tests/support/empty-module.ts'),
    },
  },
  test: {
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          // tests/attacks: the published S/MIME attacks against the library, one folder per attack class.
          include: ['{lib,server,components,stores,app,scripts,bench,cli}/**/*.test.{ts,tsx,mjs}', 'tests/attacks/**/*.test.ts'],
          environment: 'node',
          // Hooks make keys, PKCS#12 files and browsers: on a loaded two-core CI machine they
          // have outrun the 10 s default (the file's tests then never ran).
          hookTimeout: 60000,
        },
      },
      {
        extends: true,
        test: {
          name: 'integration',
          include: ['tests/integration/**/*.test.{ts,mjs}'],
          environment: 'node',
          testTimeout: 60000,
          hookTimeout: 120000,
          fileParallelism: false,
        },
      },
    ],
  },
});
