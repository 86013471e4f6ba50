// Starts the demo PKI's network services: CRL/AIA over HTTP (daemon "pki-http") and the OCSP
// responder (daemon "ocsp"), both on 127.0.0.1 only. The responder is ocsp-server.mjs rather than
// `openssl ocsp -port`: OpenSSL 3.0 takes only a port number there and listens on every
// interface; ocsp-server.mjs listens on loopback and runs `openssl ocsp` once per request.
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { startDaemon, stopDaemon } from './processes.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));

/** @typedef {ReturnType<import('./instance.mjs').resolveInstance>} Instance */

/**
 * @param {Instance} inst
 * @param {string} name
 * @param {string} script
 * @param {number} port
 */
const node = (inst, name, script, port) =>
  startDaemon(inst, { name, command: process.execPath, args: [path.join(here, script), '--instance', inst.name], readyPorts: [port] });

/**
 * Starts both services unless they already run; needs the PKI made by ensurePki().
 * @param {Instance} inst
 */
export async function startPkiServices(inst) {
  await node(inst, 'pki-http', 'pki-http-server.mjs', inst.ports.pkiHttp);
  await node(inst, 'ocsp', 'ocsp-server.mjs', inst.ports.ocsp);
}

/** @param {Instance} inst */
export async function stopPkiServices(inst) {
  await stopDaemon(inst, 'ocsp');
  await stopDaemon(inst, 'pki-http');
}
