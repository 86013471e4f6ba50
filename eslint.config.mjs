// @ts-check
import js from '@eslint/js';
import nextPlugin from '@next/eslint-plugin-next';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';
import tseslint from 'typescript-eslint';

// The zones of docs/architecture.md, enforced: imports only flow
// app -> components -> stores -> lib, and app (route handlers) -> server -> lib.
const zone = (files, banned, why) => ({
  files,
  rules: {
    'no-restricted-imports': [
      'error',
      { patterns: banned.map((dir) => ({ group: [`@/${dir}/*`, `@/${dir}`, `**/${dir}/*`], message: why })) },
    ],
  },
});

export default tseslint.config(
  {
    ignores: ['node_modules/', '.next/', '.next-*/', '.devstack/', 'test-results/', 'playwright-report/', 'next-env.d.ts'],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.{ts,tsx}'],
    plugins: { 'react-hooks': reactHooks, '@next/next': nextPlugin },
    rules: {
      ...reactHooks.configs.recommended.rules,
      ...nextPlugin.configs.recommended.rules,
      ...nextPlugin.configs['core-web-vitals'].rules,
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      // Configuration is read once, in server/config.ts.
      'no-restricted-properties': ['error', { object: 'process', property: 'env', message: 'Read configuration through server/config.ts.' }],
    },
  },
  {
    files: ['server/config.ts', 'instrumentation.ts', 'e2e/**', 'tests/**', '*.config.{ts,mts,js,mjs}'],
    rules: { 'no-restricted-properties': 'off' },
  },
  {
    files: ['**/*.{mjs,js}'],
    languageOptions: { globals: { ...globals.node } },
  },
  zone(['components/**', 'stores/**'], ['server', 'app'], 'UI code never imports server/ (or app/).'),
  zone(['server/**'], ['app', 'components', 'stores'], 'server/ is the Node-only pipe: it imports only lib/.'),
  {
    files: ['lib/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['@/app/*', '@/components/*', '@/stores/*', '@/server/*', '**/server/*'], message: 'lib/ imports none of the app zones.' },
            { group: ['node:*', 'fs', 'path', 'crypto', 'net', 'tls', 'child_process'], message: 'lib/ runs in the browser too: no Node-only modules.' },
          ],
        },
      ],
    },
  },
);
