#!/usr/bin/env node
// The `smime` command (npm run smime, npx smime): the TypeScript CLI loaded through tsx, with the
// repository's tsconfig wherever it is started from. The package is CommonJS by default, so the
// .ts files load through tsx's CommonJS hook (which also serves the library's lazy import()s of
// its legacy ciphers); the ESM hook covers any ES module among them.
import { fileURLToPath } from 'node:url';

import { register as registerCommonJs } from 'tsx/cjs/api';
import { register as registerEsm } from 'tsx/esm/api';

const tsconfig = fileURLToPath(new URL('../tsconfig.json', import.meta.url));
registerCommonJs({ tsconfig });
registerEsm({ tsconfig });

const loaded = await import('../cli/smime/main.ts');
// A CommonJS module imported from ESM arrives as its exports object under `default`.
const { main } = loaded.main ? loaded : loaded.default;
process.exitCode = await main(process.argv.slice(2));
