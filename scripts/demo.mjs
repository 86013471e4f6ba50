#!/usr/bin/env node
// `npm run demo`: bootstrap, start the local mail stack and the app, print how to log in.
// Ctrl-C stops everything it started.
import { bootstrap } from './bootstrap.mjs';

bootstrap({ browser: false });

const { resolveInstance } = await import('./stack/instance.mjs');
const { startStack, stopStack } = await import('./stack/stack.mjs');
const { buildApp, startApp } = await import('./stack/app-server.mjs');
const { DEMO_USERS, emailOf } = await import('./stack/demo-users.mjs');

const inst = resolveInstance('demo');
let app = null;
let stopping = false;

async function shutdown(code) {
  if (stopping) return;
  stopping = true;
  console.log('\nStopping the demo…');
  await app?.stop();
  await stopStack(inst).catch((e) => console.error(e.message));
  console.log('Stopped.');
  process.exit(code);
}
process.on('SIGINT', () => shutdown(0));
process.on('SIGTERM', () => shutdown(0));

try {
  console.log(`Starting the demo mail stack (state in ${inst.stateDir})`);
  const { pki } = await startStack(inst, { log: (l) => console.log(l) });
  buildApp(inst);
  app = await startApp(inst, { stdio: ['ignore', 'ignore', 'inherit'] });
  app.child.once('exit', (code) => stopping || shutdown(code ?? 1));

  const rows = DEMO_USERS.map(
    (u) => `  ${u.name.padEnd(6)} ${u.password.padEnd(11)} ${emailOf(u).padEnd(22)} ${u.certStatus.padEnd(8)} ${pki.users[u.name].p12}  (password ${u.p12Password})`,
  );
  console.log(`
Sealpost is running: ${app.url}

Log in as any demo user (login, password, address, certificate, PKCS#12 file):
${rows.join('\n')}

Mail stack on 127.0.0.1: IMAP ${inst.ports.imap}, SMTP ${inst.ports.smtp}, LDAP ${inst.ports.ldap}, CRL/AIA http ${inst.ports.pkiHttp}, OCSP ${inst.ports.ocsp}
Trust anchor (demo root CA): ${pki.trustAnchors}

Press Ctrl-C to stop.`);
} catch (e) {
  console.error(`\nThe demo could not start: ${e.message}`);
  await shutdown(1);
}
