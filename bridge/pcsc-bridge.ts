// The local PC/SC bridge: `npm run bridge -- --origin https://mail.example.org`. Relays raw APDUs
// between the OS smart-card service and the paired browser tabs of the allowed origins, over
// wss://127.0.0.1. It never sees a key: PIV, the PIN and hashing stay in the browser.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';

import { startBridgeServer } from './bridge-server';
import { loadOrCreateCertificate } from './local-certificate';
import { PairingBook } from './pairing';
import { PcscService } from './pcsc-service';

export const DEFAULT_PORT = 31417;

const USAGE = `Usage: npm run bridge -- --origin <app URL> [--origin <URL> ...] [--port ${DEFAULT_PORT}] [--config-dir <dir>]

  --origin      the web mail's origin, exactly as the browser sends it (scheme://host[:port]); repeatable
  --port        TCP port on 127.0.0.1 (0: any free port); default ${DEFAULT_PORT}
  --config-dir  where the TLS key, certificate and pairing tokens live; default ~/.config/sealpost-bridge`;

interface BridgeArgs {
  origins: Set<string>;
  port: number;
  configDir: string;
}

/** Unknown options and malformed values throw: a typo must not start a bridge open to the wrong site. */
export function parseBridgeArgs(argv: string[]): BridgeArgs {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    allowPositionals: false,
    options: { origin: { type: 'string', multiple: true }, port: { type: 'string' }, 'config-dir': { type: 'string' }, help: { type: 'boolean' } },
  });
  if (values.help) throw new Error(USAGE);
  const origins = new Set<string>();
  for (const origin of values.origin ?? []) {
    let parsed: URL;
    try {
      parsed = new URL(origin);
    } catch {
      throw new Error(`--origin ${origin} is not a URL.`);
    }
    if (!['http:', 'https:'].includes(parsed.protocol) || parsed.origin !== origin) throw new Error(`--origin ${origin}: give the origin alone, as ${parsed.origin} (no path, no trailing slash).`);
    origins.add(origin);
  }
  if (origins.size === 0) throw new Error(`At least one --origin is needed.\n\n${USAGE}`);
  const port = values.port === undefined ? DEFAULT_PORT : Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`--port ${values.port} is not a TCP port.`);
  const configDir = path.resolve(values['config-dir'] ?? path.join(os.homedir(), '.config', 'sealpost-bridge'));
  return { origins, port, configDir };
}

async function main(): Promise<void> {
  let args: BridgeArgs;
  try {
    args = parseBridgeArgs(process.argv.slice(2));
  } catch (error) {
    console.error((error as Error).message);
    process.exit(2);
  }
  fs.mkdirSync(args.configDir, { recursive: true, mode: 0o700 });
  const certificate = await loadOrCreateCertificate(args.configDir);
  let pcsc: PcscService;
  try {
    pcsc = new PcscService();
  } catch (error) {
    console.error((error as Error).message);
    process.exit(3);
  }
  pcsc.on('error', (error) => console.error(`${error.message} (is the PC/SC service, pcscd on Linux, running?)`));
  const log = (line: string) => console.log(`${new Date().toISOString()} ${line}`);
  const pairing = new PairingBook(path.join(args.configDir, 'tokens.json'), (code) => console.log(`Pairing code: ${code}`));
  const server = await startBridgeServer({ port: args.port, origins: args.origins, certificate, pairing, pcsc, log });

  console.log(`Sealpost card bridge listening on wss://127.0.0.1:${server.port}`);
  console.log(`Allowed origins: ${[...args.origins].join(' ')}`);
  console.log(`Certificate: ${path.join(args.configDir, 'cert.pem')}`);
  console.log(`SPKI SHA-256: ${certificate.spkiSha256}`);
  console.log(`Type the pairing code once in the web mail; it is replaced after each pairing.`);

  const stop = async () => {
    await server.close();
    pcsc.close();
    process.exit(0);
  };
  process.once('SIGINT', () => void stop());
  process.once('SIGTERM', () => void stop());
}

// Runs when started as a program (tsx bridge/pcsc-bridge.ts), not when a test imports parseBridgeArgs.
if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(new URL(import.meta.url).pathname)) void main();
