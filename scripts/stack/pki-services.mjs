// Starts the demo PKI's network services: CRL/AIA over HTTP and the OCSP responder.
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { startDaemon, stopDaemon } from './processes.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));

const node = (inst, name, script, port) =>
  startDaemon(inst, { name, command: process.execPath, args: [path.join(here, script), '--instance', inst.name], readyPorts: [port] });

export async function startPkiServices(inst) {
  await node(inst, 'pki-http', 'pki-http-server.mjs', inst.ports.pkiHttp);
  await node(inst, 'ocsp', 'ocsp-server.mjs', inst.ports.ocsp);
}

export async function stopPkiServices(inst) {
  await stopDaemon(inst, 'ocsp');
  await stopDaemon(inst, 'pki-http');
}
