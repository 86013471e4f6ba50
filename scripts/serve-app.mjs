#!/usr/bin/env node
// Builds the app and serves it against a running stack instance (default "test"), for running
// single e2e specs by hand:  node scripts/serve-app.mjs [--instance test] [--no-build]
// It writes its pid to <state>/serve-app.pid and stops the app on SIGINT/SIGTERM; the stack stays.
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';

import { buildApp, startApp } from './stack/app-server.mjs';
import { resolveInstance } from './stack/instance.mjs';

const { values } = parseArgs({ options: { instance: { type: 'string', default: 'test' }, 'no-build': { type: 'boolean', default: false } } });
const inst = resolveInstance(values.instance);
if (!values['no-build']) buildApp(inst, { force: true });
const app = await startApp(inst, { stdio: ['ignore', 'inherit', 'inherit'] });
const pidFile = path.join(inst.stateDir, 'serve-app.pid');
fs.writeFileSync(pidFile, String(process.pid));
console.log(`App on ${app.url} (pid ${process.pid}); SEALPOST_APP_URL=${app.url}`);
const stop = async () => {
  await app.stop();
  fs.rmSync(pidFile, { force: true });
  process.exit(0);
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
app.child.once('exit', () => process.exit(1));
