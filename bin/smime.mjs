#!/usr/bin/env node
// The `smime` command (npm run smime, npx smime): the TypeScript CLI loaded through tsx, with the
// repository's tsconfig wherever it is started from. tsImport, not register(): the package is
// CommonJS by default, and a bare ESM register() cannot follow the .ts files' require() chain.
import { fileURLToPath } from 'node:url';

import { tsImport } from 'tsx/esm/api';

const { main } = await tsImport('../cli/smime/main.ts', {
  parentURL: import.meta.url,
  tsconfig: fileURLToPath(new URL('../tsconfig.json', import.meta.url)),
});
process.exitCode = await main(process.argv.slice(2));
