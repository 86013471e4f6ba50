#!/usr/bin/env node
// npm run fill-folder -- [--instance demo] [--user alice] [--folder "Perf 100k"] [--count 100000]
//                        [--connections 4]
import { parseArgs } from 'node:util';

import { DEMO_USERS } from './stack/demo-users.mjs';
import { fillFolder } from './stack/fill-folder.mjs';
import { resolveInstance } from './stack/instance.mjs';

const { values } = parseArgs({
  options: {
    instance: { type: 'string', default: 'demo' },
    user: { type: 'string', default: 'alice' },
    folder: { type: 'string', default: 'Perf 100k' },
    count: { type: 'string', default: '100000' },
    connections: { type: 'string', default: '4' },
  },
});
const inst = resolveInstance(values.instance);
const user = DEMO_USERS.find((u) => u.name === values.user);
if (!user) {
  console.error(`fill-folder: no demo user "${values.user}" (${DEMO_USERS.map((u) => u.name).join(', ')})`);
  process.exit(1);
}
const count = Number(values.count);
try {
  const { appended, ms } = await fillFolder({
    host: inst.host,
    port: inst.ports.imap,
    user: user.name,
    password: user.password,
    folder: values.folder,
    count,
    connections: Number(values.connections),
    onProgress: (n) => process.stderr.write(`\r${n} / ${count}`),
  });
  process.stderr.write('\n');
  console.log(`Appended ${appended} messages to ${user.name}/${values.folder} in ${(ms / 1000).toFixed(1)} s`);
} catch (e) {
  console.error(`fill-folder: ${e.message} (is the "${inst.name}" stack running? npm run stack -- start --instance ${inst.name})`);
  process.exit(1);
}
