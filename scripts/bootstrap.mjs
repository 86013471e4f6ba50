// Brings a fresh clone to a runnable state, shared by `npm run demo` and `npm test`:
// Node version, npm packages, and the Debian packages of the local mail stack.
// Uses Node built-ins only: it runs before node_modules exists.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

import { REPO_ROOT } from './stack/instance.mjs';

/** Debian package -> a file whose presence shows it is installed. */
const DEBIAN_PACKAGES = {
  'dovecot-imapd': '/usr/lib/dovecot/imap',
  'dovecot-lmtpd': '/usr/lib/dovecot/lmtp',
  slapd: '/usr/sbin/slapd',
  'ldap-utils': '/usr/bin/ldapsearch',
  openssl: '/usr/bin/openssl',
  // Headers for the bridge's optional native PC/SC module (@pokusew/pcsclite), built by npm install.
  'libpcsclite-dev': '/usr/include/PCSC/winscard.h',
};
/** What `npm test` needs beyond the demo: the browser, the independent S/MIME implementations
 * the interoperability tests run against (NSS's cmsutil, GnuPG's gpgsm; OpenSSL is above), and
 * the smart-card stack that judges our card simulators (pcscd with vpcd and libccid's serial
 * driver, OpenSC, yubico-piv-tool). */
const TEST_PACKAGES = {
  chromium: '/usr/bin/chromium',
  'libnss3-tools': '/usr/bin/cmsutil',
  gpgsm: '/usr/bin/gpgsm',
  pcscd: '/usr/sbin/pcscd',
  libccid: '/usr/lib/pcsc/drivers/serial/libccidtwin.so',
  'vsmartcard-vpcd': '/usr/lib/pcsc/drivers/serial/libifdvpcd.so',
  opensc: '/usr/bin/pkcs11-tool',
  'yubico-piv-tool': '/usr/bin/yubico-piv-tool',
  socat: '/usr/bin/socat',
  python3: '/usr/bin/python3',
};

const MIN_NODE = [20, 9];

/**
 * @param {{ browser?: boolean, log?: (line: string) => void }} [options]
 *   browser: also require what only the tests need (Chromium, cmsutil, gpgsm, the smart-card tools)
 */
export function bootstrap({ browser = false, log = console.log } = {}) {
  checkNode();
  ensureDebianPackages({ ...DEBIAN_PACKAGES, ...(browser ? TEST_PACKAGES : {}) }, log);
  ensureNpmPackages(log);
}

function checkNode() {
  const [major, minor] = process.versions.node.split('.').map(Number);
  if (major < MIN_NODE[0] || (major === MIN_NODE[0] && minor < MIN_NODE[1])) {
    fail(`Node ${MIN_NODE.join('.')} or newer is needed; this is ${process.versions.node}.`);
  }
}

function ensureDebianPackages(wanted, log) {
  const missing = Object.entries(wanted)
    .filter(([, file]) => !fs.existsSync(file))
    .map(([pkg]) => pkg);
  if (missing.length === 0) return;
  const line = `apt-get install -y --no-install-recommends ${missing.join(' ')}`;
  if (process.getuid?.() !== 0) {
    fail(
      `These Debian packages are missing: ${missing.join(', ')}.\n` +
        `Install them as root, then run this command again:\n\n  sudo apt-get update && sudo ${line}\n`,
    );
  }
  log(`Installing Debian packages: ${missing.join(' ')}`);
  withoutServiceStarts(() => {
    run('apt-get', ['update', '-q']);
    run('apt-get', line.split(' ').slice(1), { DEBIAN_FRONTEND: 'noninteractive' });
  });
  const still = Object.entries(wanted).filter(([, file]) => !fs.existsSync(file));
  if (still.length) fail(`apt-get finished but ${still.map(([p]) => p).join(', ')} is still missing.`);
}

// The stack runs its own unprivileged Dovecot and slapd on other ports; the system-wide services
// that the packages would start are not wanted. policy-rc.d (Debian's hook) forbids starting them.
function withoutServiceStarts(fn) {
  const policy = '/usr/sbin/policy-rc.d';
  const ours = !fs.existsSync(policy);
  if (ours) fs.writeFileSync(policy, '#!/bin/sh\n# written by Sealpost bootstrap during apt-get\nexit 101\n', { mode: 0o755 });
  try {
    fn();
  } finally {
    if (ours) fs.rmSync(policy, { force: true });
  }
}

function ensureNpmPackages(log) {
  const lock = path.join(REPO_ROOT, 'package-lock.json');
  const installed = path.join(REPO_ROOT, 'node_modules', '.package-lock.json');
  const upToDate =
    fs.existsSync(installed) && (!fs.existsSync(lock) || fs.statSync(installed).mtimeMs >= fs.statSync(lock).mtimeMs);
  if (upToDate) return;
  log('Installing npm packages…');
  // `npm install` honours the lock file. Not `npm ci`: it refuses a lock that lacks optional
  // platform packages (other systems' @next/swc builds) which a registry mirror may not carry.
  // Browsers come from Debian, never from a download.
  run('npm', ['install', '--no-audit', '--no-fund'], {
    PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD: '1',
  });
}

function run(cmd, args, extraEnv = {}) {
  const r = spawnSync(cmd, args, { cwd: REPO_ROOT, stdio: 'inherit', env: { ...process.env, ...extraEnv } });
  if (r.status !== 0) fail(`${cmd} ${args.join(' ')} failed (exit ${r.status ?? r.signal}).`);
}

function fail(message) {
  console.error(`\n${message}`);
  process.exit(1);
}
