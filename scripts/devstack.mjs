#!/usr/bin/env node
// The local mail stack's command line:
//   node scripts/devstack.mjs start|stop|status|restart|reset [--instance demo|test] [--no-seed]
//     [--only dovecot|smtp|ldap|pki-http|ocsp]   (stop: only that service; start brings it back)
//   node scripts/devstack.mjs deliver <message.eml> --user <name> [--instance demo|test]
//     (hands a message file, byte for byte, to a stack user's Inbox over LMTP: e.g. one signed
//     with `npm run smime -- sign`, to see how Sealpost reads it)
import fs from 'node:fs';
import { parseArgs } from 'node:util';

import { DEMO_DOMAIN } from './stack/demo-users.mjs';
import { resolveInstance } from './stack/instance.mjs';
import { lmtpDeliver } from './stack/lmtp-client.mjs';
import { stopDaemon } from './stack/processes.mjs';
import { SERVICES, stackStatus, startStack, stopStack } from './stack/stack.mjs';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    instance: { type: 'string', default: 'demo' },
    'no-seed': { type: 'boolean', default: false },
    only: { type: 'string' },
    user: { type: 'string' },
  },
});
const command = positionals[0] ?? 'status';
const inst = resolveInstance(values.instance);

async function main() {
  switch (command) {
    case 'start': {
      console.log(`Starting the "${inst.name}" mail stack (state in ${inst.stateDir}):`);
      await startStack(inst, { seed: !values['no-seed'], log: (l) => console.log(l) });
      printStatus();
      break;
    }
    case 'stop': {
      if (values.only) {
        if (!SERVICES.includes(values.only)) throw new Error(`--only takes one of ${SERVICES.join(', ')}`);
        await stopDaemon(inst, values.only);
      } else {
        await stopStack(inst);
      }
      printStatus();
      break;
    }
    case 'restart':
      await stopStack(inst);
      await startStack(inst, { seed: !values['no-seed'], log: (l) => console.log(l) });
      printStatus();
      break;
    case 'reset':
      // Stop, then forget all state (mailboxes, directory, PKI) so the next start is fresh.
      await stopStack(inst);
      fs.rmSync(inst.stateDir, { recursive: true, force: true });
      console.log(`Removed ${inst.stateDir}`);
      break;
    case 'status':
      printStatus();
      break;
    case 'deliver':
      await deliver(positionals[1], values.user);
      break;
    default:
      throw new Error(`unknown command "${command}" (start, stop, restart, reset, status, deliver)`);
  }
}

async function deliver(file, user) {
  if (!file || !user) throw new Error('deliver takes a message file and --user <name>, e.g. deliver signed.eml --user bob');
  const recipient = user.includes('@') ? user : `${user}@${DEMO_DOMAIN}`;
  const [result] = await lmtpDeliver({ host: inst.host, port: inst.ports.lmtp, from: `postmaster@${DEMO_DOMAIN}`, recipients: [recipient], message: fs.readFileSync(file) });
  if (result?.code !== 250) throw new Error(`not delivered to ${recipient}: ${result?.code} ${result?.text}`);
  console.log(`Delivered ${file} to ${recipient}'s Inbox.`);
}

function printStatus() {
  const status = stackStatus(inst);
  for (const [name, pid] of Object.entries(status)) {
    console.log(`  ${name.padEnd(9)} ${pid ? `running (pid ${pid})` : 'stopped'}`);
  }
}

main().catch((e) => {
  console.error(`devstack: ${e.message}`);
  process.exitCode = 1;
});
