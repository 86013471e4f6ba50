// Runs scripts/stack/smtp-server.mjs as a daemon of the stack. It needs Dovecot (auth and LMTP)
// only per message, so it may start first; stack.mjs starts it after Dovecot anyway.
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { startDaemon, stopDaemon } from './processes.mjs';

const SERVER = path.join(path.dirname(fileURLToPath(import.meta.url)), 'smtp-server.mjs');

/** @param {ReturnType<import('./instance.mjs').resolveInstance>} inst */
export function startSmtp(inst) {
  return startDaemon(inst, {
    name: 'smtp',
    command: process.execPath,
    args: [SERVER, '--instance', inst.name],
    readyPorts: [inst.ports.smtp],
  });
}

/** @param {ReturnType<import('./instance.mjs').resolveInstance>} inst */
export function stopSmtp(inst) {
  return stopDaemon(inst, 'smtp');
}
