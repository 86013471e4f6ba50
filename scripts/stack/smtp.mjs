// Runs scripts/stack/smtp-server.mjs as a daemon of the stack.
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { startDaemon, stopDaemon } from './processes.mjs';

const SERVER = path.join(path.dirname(fileURLToPath(import.meta.url)), 'smtp-server.mjs');

export function startSmtp(inst) {
  return startDaemon(inst, {
    name: 'smtp',
    command: process.execPath,
    args: [SERVER, '--instance', inst.name],
    readyPorts: [inst.ports.smtp],
  });
}

export function stopSmtp(inst) {
  return stopDaemon(inst, 'smtp');
}
