// Where an instance of the local mail stack lives and which ports it uses.
// Two instances ("demo" and "test") run side by side without colliding: each has its own
// state folder under .devstack/ and its own block of ports.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

// "bench" is the benchmark's own instance (bench/list-100k.mjs): its 100,000-message folder
// stays out of the demo and the tests.
const DEFAULT_PORT_BASE = { demo: 7100, test: 7200, bench: 7300 };

// Offsets inside an instance's block of ports.
const PORT_OFFSETS = {
  app: 0, // the Next.js server
  imap: 1, // Dovecot IMAP (plain on loopback)
  lmtp: 2, // Dovecot LMTP, used by the SMTP server for local delivery
  smtp: 3, // SMTP submission with AUTH
  ldap: 4, // slapd
  pkiHttp: 5, // CRL and CA certificates (AIA caIssuers) over HTTP
  ocsp: 6, // openssl ocsp responder
  auth: 7, // Dovecot auth service (SASL for the SMTP server)
  app2: 8, // a second app server with other settings, started by tests that need one
};

/**
 * @param {string} [name] instance name: "demo" (default), "test" or "bench", or any [a-z0-9-]+ name
 * @param {NodeJS.ProcessEnv} [env]
 */
export function resolveInstance(name = 'demo', env = process.env) {
  if (!/^[a-z0-9-]+$/.test(name)) throw new Error(`bad instance name "${name}"`);
  const envBase = env.SEALPOST_STACK_PORT_BASE;
  let base = DEFAULT_PORT_BASE[name] ?? 7400;
  if (envBase !== undefined && envBase !== '') {
    base = Number(envBase);
    if (!Number.isInteger(base) || base < 1024 || base > 65000) {
      throw new Error(`SEALPOST_STACK_PORT_BASE must be an integer from 1024 to 65000, got "${envBase}"`);
    }
  }
  const ports = Object.fromEntries(Object.entries(PORT_OFFSETS).map(([k, off]) => [k, base + off]));
  const stateDir = path.join(stateBase(env), name);
  return {
    name,
    // The test instance's SMTP server takes less than the app sends (50 MB), so a real "message
    // too big" refusal can be tested with an attachment the composer accepts (25 MB).
    smtpMaxMessageBytes: name === 'test' ? 30 * 1024 * 1024 : 50 * 1024 * 1024,
    host: '127.0.0.1',
    /** @type {Record<keyof typeof PORT_OFFSETS, number>} */
    ports,
    stateDir,
    dirs: {
      run: path.join(stateDir, 'run'), // pid files, sockets
      log: path.join(stateDir, 'log'),
      dovecot: path.join(stateDir, 'dovecot'),
      mail: path.join(stateDir, 'mail'),
      ldap: path.join(stateDir, 'ldap'),
      pki: path.join(stateDir, 'pki'),
      smtp: path.join(stateDir, 'smtp'),
    },
  };
}

/**
 * Where instances keep their state: .devstack/ in the checkout, or SEALPOST_STACK_STATE_DIR.
 * Started by root, Dovecot's mail processes run as an unprivileged user who must walk down to
 * the state folder; a checkout under a private folder (say /root) gets its state under /var/tmp.
 */
function stateBase(env) {
  if (env.SEALPOST_STACK_STATE_DIR) return path.resolve(env.SEALPOST_STACK_STATE_DIR);
  const inRepo = path.join(REPO_ROOT, '.devstack');
  if (process.getuid?.() !== 0 || othersCanEnter(REPO_ROOT)) return inRepo;
  const tag = crypto.createHash('sha256').update(REPO_ROOT).digest('hex').slice(0, 12);
  return path.join('/var/tmp', `sealpost-devstack-${tag}`);
}

function othersCanEnter(dir) {
  for (let d = dir; ; d = path.dirname(d)) {
    try {
      if (!(fs.statSync(d).mode & 0o001)) return false;
    } catch {
      return false;
    }
    if (d === path.dirname(d)) return true;
  }
}
