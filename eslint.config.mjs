// @ts-check
import js from '@eslint/js';
import nextPlugin from '@next/eslint-plugin-next';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';
import tseslint from 'typescript-eslint';

// The zones of docs/architecture.md, enforced: imports only flow
// app -> components -> stores -> lib, app (route handlers) -> server -> lib, and cli -> lib.
const ZONES = ['app', 'components', 'stores', 'server', 'cli', 'lib'];

/** Import patterns that reach into `dirs`, by alias or by relative path. */
const into = (dirs, message) => ({
  group: dirs.flatMap((dir) => [`@/${dir}`, `@/${dir}/**`, `**/${dir}`, `**/${dir}/**`]),
  message,
});

// Configuration is read once, in server/config.ts: process.env is banned elsewhere, in every
// spelling (process.env.X, process['env'], const { env } = process, import { env } from 'process').
const ENV_MESSAGE = 'Read configuration through server/config.ts (STYLE.md 10).';
const envImports = ['process', 'node:process'].map((name) => ({ name, importNames: ['env'], message: ENV_MESSAGE }));

/** One no-restricted-imports rule per zone (flat config replaces a rule's options, it does not merge them). */
const zone = (files, patterns) => ({
  files,
  rules: { 'no-restricted-imports': ['error', { paths: envImports, patterns }] },
});

export default tseslint.config(
  {
    ignores: [
      'node_modules/',
      '.next/',
      '.next-*/',
      '.devstack/',
      'test-results/',
      'playwright-report/',
      'blob-report/',
      'coverage/',
      'next-env.d.ts',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      'no-restricted-properties': ['error', { object: 'process', property: 'env', message: ENV_MESSAGE }],
      'no-restricted-imports': ['error', { paths: envImports }],
    },
  },
  {
    files: ['**/*.{ts,tsx}'],
    plugins: { 'react-hooks': reactHooks, '@next/next': nextPlugin },
    rules: {
      ...reactHooks.configs.recommended.rules,
      ...nextPlugin.configs.recommended.rules,
      ...nextPlugin.configs['core-web-vitals'].rules,
    },
  },
  // Node ESM scripts and config files run outside the app.
  {
    files: ['**/*.{mjs,cjs,js}'],
    languageOptions: { globals: { ...globals.node } },
  },

  zone(['lib/**'], [
    into(ZONES.filter((z) => z !== 'lib'), 'lib/ is framework-free and imports none of the app zones.'),
    {
      group: ['node:*', 'fs', 'path', 'crypto', 'net', 'tls', 'child_process', 'server-only', 'next', 'next/*', 'react', 'react-dom', 'zustand', 'zustand/*'],
      message: 'lib/ runs in the browser and in Node alike: no Node-only modules, no framework.',
    },
  ]),
  zone(['stores/**'], [into(['app', 'components', 'server'], 'stores/ import only lib/.')]),
  zone(['components/**'], [into(['app', 'server'], 'components/ never import server/ (or app/): go through lib/api.')]),
  zone(['server/**'], [into(['app', 'components', 'stores', 'cli'], 'server/ is the Node-only pipe: it imports only lib/.')]),
  zone(['cli/**'], [into(['app', 'components', 'stores', 'server'], 'cli/ is the command line over lib/smime: it imports only lib/.')]),

  // The only readers of process.env: the validated configuration, Next's runtime switch in
  // instrumentation.ts, and the tooling around the app (scripts, test harnesses, config files).
  {
    files: ['server/config.ts', 'instrumentation.ts', 'proxy.ts', 'scripts/**', 'e2e/support/**', 'tests/support/**', '*.config.{ts,mts,js,mjs,cjs}'],
    rules: { 'no-restricted-properties': 'off' },
  },
);
