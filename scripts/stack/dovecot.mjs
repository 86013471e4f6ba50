// Dovecot for the local mail stack: IMAP for the app, LMTP for the SMTP server's deliveries and
// the auth service for its SASL checks, all on 127.0.0.1 with the state in <instance>/dovecot.
//
// Dovecot never gives mail access to UID 0. Run by root, it keeps its usual privilege separation
// (master as root, mail and auth as the Debian "dovecot" user, login as "dovenull"); run by anyone
// else, every process is that user and nothing needs root.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { DEMO_DOMAIN, DEMO_USERS, TEST_MAILBOX_USERS, emailOf } from './demo-users.mjs';
import { runningPid, startDaemon, stopDaemon } from './processes.mjs';

export const DOVECOT_BIN = '/usr/sbin/dovecot';
export const DOVEADM_BIN = '/usr/bin/doveadm';

/** Folders every user has, with their RFC 6154 special-use flag. */
export const SPECIAL_FOLDERS = [
  ['Drafts', '\\Drafts'],
  ['Sent', '\\Sent'],
  ['Archive', '\\Archive'],
  ['Junk', '\\Junk'],
  ['Trash', '\\Trash'],
];

/**
 * Who owns what: the mail uid/gid and Dovecot's internal and login users.
 * @returns {{ root: boolean, mailUid: number, mailGid: number, internalUser: string,
 *             internalGroup: string, loginUser: string }}
 */
export function dovecotAccounts() {
  if (process.getuid?.() !== 0) {
    const me = os.userInfo();
    const group = groupName(me.gid) ?? me.username;
    return { root: false, mailUid: me.uid, mailGid: me.gid, internalUser: me.username, internalGroup: group, loginUser: me.username };
  }
  const mail = systemUser('dovecot');
  systemUser('dovenull');
  return { root: true, mailUid: mail.uid, mailGid: mail.gid, internalUser: 'dovecot', internalGroup: 'dovecot', loginUser: 'dovenull' };
}

function systemUser(name) {
  const line = fs.readFileSync('/etc/passwd', 'utf8').split('\n').find((l) => l.startsWith(`${name}:`));
  if (!line) throw new Error(`the system user "${name}" is missing: is the dovecot-core package installed?`);
  const [, , u, g] = line.split(':');
  return { uid: Number(u), gid: Number(g) };
}

function groupName(gid) {
  try {
    const line = fs.readFileSync('/etc/group', 'utf8').split('\n').find((l) => l.split(':')[2] === String(gid));
    return line?.split(':')[0];
  } catch {
    return undefined;
  }
}

export function dovecotConfigPath(inst) {
  return path.join(inst.dirs.dovecot, 'dovecot.conf');
}

/**
 * The command line of `doveadm` for this instance:
 * `const [cmd, ...args] = doveadmArgs(inst, 'mailbox', 'status', '-u', 'alice', 'messages', 'INBOX')`.
 * Run it as the user that started the stack; as root, doveadm switches to the mail user itself.
 * @param {ReturnType<import('./instance.mjs').resolveInstance>} inst
 * @param {...string} args
 */
export function doveadmArgs(inst, ...args) {
  return [DOVEADM_BIN, '-c', dovecotConfigPath(inst), ...args];
}

// As root, the mail and auth processes run as "dovecot" and must walk down to the state folder:
// fail with the reason now rather than with EACCES in a log later.
function assertReachable(dir, uid, gid, who) {
  for (let d = path.dirname(dir); ; d = path.dirname(d)) {
    const st = fs.statSync(d);
    const bit = st.uid === uid ? 0o100 : st.gid === gid ? 0o010 : 0o001;
    if (!(st.mode & bit)) {
      throw new Error(
        `Dovecot's mail processes run as "${who}" when the stack is started by root, and "${who}" ` +
          `cannot enter ${d} (mode ${(st.mode & 0o777).toString(8)}). Start the stack as an ordinary ` +
          `user, or put the checkout where other users can reach it.`,
      );
    }
    if (d === path.dirname(d)) return;
  }
}

// A mail folder made by another account (root after non-root): hand it to the mail user.
function chownTree(dir, uid, gid) {
  const st = fs.lstatSync(dir);
  if (st.uid !== uid || st.gid !== gid) fs.lchownSync(dir, uid, gid);
  if (!st.isDirectory()) return;
  for (const entry of fs.readdirSync(dir)) chownTree(path.join(dir, entry), uid, gid);
}

function prepareDirs(inst, acc) {
  const d = inst.dirs.dovecot;
  for (const dir of [d, path.join(d, 'run'), path.join(d, 'state'), inst.dirs.mail, inst.dirs.log]) {
    fs.mkdirSync(dir, { recursive: true });
  }
  if (!acc.root) {
    // After a run as root, the mail belongs to "dovecot" and the users file to root.
    const foreign = [inst.dirs.mail, path.join(d, 'users'), path.join(d, 'run')].find(
      (p) => fs.existsSync(p) && fs.statSync(p).uid !== acc.mailUid,
    );
    if (foreign) {
      throw new Error(
        `${foreign} belongs to another user: the "${inst.name}" stack was last started by root. ` +
          `Start it as root again, or have root remove ${inst.stateDir} to begin afresh.`,
      );
    }
    return;
  }
  const stale = [inst.dirs.mail, ...fs.readdirSync(inst.dirs.mail).map((e) => path.join(inst.dirs.mail, e))].some(
    (p) => fs.lstatSync(p).uid !== acc.mailUid,
  );
  for (const dir of [path.dirname(inst.stateDir), inst.stateDir, d]) fs.chmodSync(dir, 0o755);
  assertReachable(inst.dirs.mail, acc.mailUid, acc.mailGid, acc.internalUser);
  if (stale) chownTree(inst.dirs.mail, acc.mailUid, acc.mailGid);
  fs.chmodSync(inst.dirs.mail, 0o700);
}

/** The dovecot.conf text of an instance (exported for tests and for reading). */
export function dovecotConfig(inst, acc, usersFile) {
  const d = inst.dirs.dovecot;
  const mailboxes = SPECIAL_FOLDERS.map(
    ([name, flag]) => `  mailbox ${name} {\n    special_use = ${flag}\n    auto = subscribe\n  }`,
  ).join('\n');
  // Without root, chroot() is impossible: login and anvil processes would fail to start.
  const noChroot = acc.root ? '' : '  chroot =\n';

  return `# Generated by scripts/stack/dovecot.mjs for the "${inst.name}" stack; rewritten on every start.
instance_name = sealpost-${inst.name}
base_dir = ${path.join(d, 'run')}
state_dir = ${path.join(d, 'state')}
log_path = ${path.join(inst.dirs.log, 'dovecot-service.log')}
protocols = imap lmtp
listen = ${inst.host}
ssl = no
# Loopback only: Dovecot counts 127.0.0.1 as secure, so plain logins are fine here.
disable_plaintext_auth = no
# The webmail on loopback passes each browser's address (IMAP ID x-originating-ip), so
# Dovecot's per-address auth penalty falls on the guessing client, not on every user.
login_trusted_networks = 127.0.0.0/8
auth_mechanisms = plain login
# The demo passwords are public and the listeners loopback-only: a delay after a wrong password
# protects nothing here and would only slow the tests that try one.
auth_failure_delay = 0
default_internal_user = ${acc.internalUser}
default_internal_group = ${acc.internalGroup}
default_login_user = ${acc.loginUser}
first_valid_uid = 1
first_valid_gid = 1
mail_location = maildir:~/Maildir
# A throwaway development stack: no fsync per message, and trust Dovecot's own view of the
# Maildir instead of re-scanning it on every save (appending 100,000 messages stays fast).
mail_fsync = never
maildir_very_dirty_syncs = yes
mail_privileged_group =
# "alice" and "alice@${DEMO_DOMAIN}" are the same login (the realm is appended when missing);
# any other domain is an unknown user.
auth_default_realm = ${DEMO_DOMAIN}
auth_username_format = %Lu

passdb {
  driver = passwd-file
  args = scheme=PLAIN ${usersFile}
}
userdb {
  driver = passwd-file
  args = ${usersFile}
}

namespace inbox {
  inbox = yes
  separator = /
${mailboxes}
}

# Deliver exactly what the SMTP server submitted: Dovecot still prepends Return-Path (RFC 5321
# §4.4), but no Delivered-To or Received header.
lmtp_hdr_delivery_address = none
lmtp_add_received_header = no
recipient_delimiter =

service imap-login {
${noChroot}  inet_listener imap {
    address = ${inst.host}
    port = ${inst.ports.imap}
  }
  inet_listener imaps {
    port = 0
  }
}
service lmtp {
  unix_listener lmtp {
    mode = 0600
  }
  inet_listener lmtp {
    address = ${inst.host}
    port = ${inst.ports.lmtp}
  }
}
service auth {
  inet_listener auth-sasl {
    address = ${inst.host}
    port = ${inst.ports.auth}
  }
}
service anvil {
${noChroot}}
service stats {
  unix_listener stats-reader {
    mode = 0666
  }
  unix_listener stats-writer {
    mode = 0666
  }
}
protocol imap {
  mail_max_userip_connections = 50
}
`;
}

function writeConfig(inst) {
  const acc = dovecotAccounts();
  prepareDirs(inst, acc);

  // passwd-file: user:password:uid:gid:gecos:home:shell — one file serves as passdb and userdb.
  const usersFile = path.join(inst.dirs.dovecot, 'users');
  const users = [...DEMO_USERS, ...TEST_MAILBOX_USERS].map(
    (u) => `${emailOf(u)}:{PLAIN}${u.password}:${acc.mailUid}:${acc.mailGid}::${path.join(inst.dirs.mail, u.name)}::`,
  );
  fs.writeFileSync(usersFile, users.join('\n') + '\n', { mode: 0o640 });
  fs.chmodSync(usersFile, 0o640);
  if (acc.root) fs.chownSync(usersFile, 0, acc.mailGid);

  fs.writeFileSync(dovecotConfigPath(inst), dovecotConfig(inst, acc, usersFile));
}

/**
 * Writes the configuration and starts Dovecot in the foreground as a stack daemon; a no-op when it
 * already runs. The files are left alone then: Dovecot re-reads a changed users file at once,
 * which must not happen under a configuration written for another layout.
 * @param {ReturnType<import('./instance.mjs').resolveInstance>} inst
 * @returns {Promise<{ pid: number, started: boolean }>}
 */
export async function startDovecot(inst) {
  const pid = runningPid(inst, 'dovecot');
  if (pid) return { pid, started: false };
  writeConfig(inst);
  return startDaemon(inst, {
    name: 'dovecot',
    command: DOVECOT_BIN,
    args: ['-F', '-c', dovecotConfigPath(inst)],
    readyPorts: [inst.ports.imap, inst.ports.lmtp, inst.ports.auth],
  });
}

/** @param {ReturnType<import('./instance.mjs').resolveInstance>} inst */
export async function stopDovecot(inst) {
  return stopDaemon(inst, 'dovecot');
}
