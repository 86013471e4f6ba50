#!/usr/bin/env node
// Fills an IMAP folder with generated messages, for performance work on big folders:
//   npm run fill-folder -- [--instance demo] [--user alice] [--folder "Perf 100k"] [--count 100000]
//                          [--connections 4] [--host H --port P --password PW]  (any IMAP server)
// The work is done by fillFolder() in scripts/stack/fill-folder.mjs, re-exported here.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

import { DEMO_USERS } from './stack/demo-users.mjs';
import { fillFolder } from './stack/fill-folder.mjs';
import { resolveInstance } from './stack/instance.mjs';

export { fillFolder };

async function main() {
  const { values } = parseArgs({
    options: {
      instance: { type: 'string', default: 'demo' },
      user: { type: 'string', default: 'alice' },
      folder: { type: 'string', default: 'Perf 100k' },
      count: { type: 'string', default: '100000' },
      connections: { type: 'string', default: '4' },
      host: { type: 'string' },
      port: { type: 'string' },
      password: { type: 'string' },
    },
  });
  const inst = resolveInstance(values.instance);
  const demoUser = DEMO_USERS.find((u) => u.name === values.user);
  const password = values.password ?? demoUser?.password;
  if (!password) fail(`"${values.user}" is not a demo user (${DEMO_USERS.map((u) => u.name).join(', ')}); give --password`);
  const count = Number(values.count);
  const connections = Number(values.connections);
  if (!Number.isInteger(count) || count < 1) fail(`--count must be a positive integer, got "${values.count}"`);
  if (!Number.isInteger(connections) || connections < 1 || connections > 32) fail(`--connections must be 1 to 32, got "${values.connections}"`);
  const host = values.host ?? inst.host;
  const port = values.port ? Number(values.port) : inst.ports.imap;

  const t0 = Date.now();
  const progress = (done) => {
    const s = (Date.now() - t0) / 1000;
    const rate = done / s;
    process.stderr.write(`\r${done} / ${count}  ${rate.toFixed(0)} msg/s  ETA ${((count - done) / rate).toFixed(0)} s   `);
  };
  try {
    const { appended, ms } = await fillFolder({ host, port, user: values.user, password, folder: values.folder, count, connections, onProgress: progress });
    process.stderr.write('\n');
    console.log(`Appended ${appended} messages to ${values.user}/${values.folder} on ${host}:${port} in ${(ms / 1000).toFixed(1)} s (${((appended / ms) * 1000).toFixed(0)} msg/s, ${connections} connections)`);
  } catch (e) {
    process.stderr.write('\n');
    const hint = e.code === 'ECONNREFUSED' && !values.host ? ` (is the "${inst.name}" stack running? npm run stack -- start --instance ${inst.name})` : '';
    fail(`${e.message}${hint}`);
  }
}

function fail(message) {
  console.error(`fill-folder: ${message}`);
  process.exit(1);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) await main();
