#!/usr/bin/env node
// The local stack's SMTP submission server (node scripts/stack/smtp-server.mjs --instance NAME):
// AUTH PLAIN/LOGIN checked by Dovecot, mail for the local domain delivered to Dovecot over LMTP
// byte for byte, every other domain refused. A real SMTP server on a real port, built on
// the smtp-server package. One log line per message on stdout (the daemon's log file).
import crypto from 'node:crypto';
import { parseArgs } from 'node:util';

import { SMTPServer } from 'smtp-server';

import { DEMO_DOMAIN, DEMO_USERS, TEST_MAILBOX_USERS, emailOf } from './demo-users.mjs';
import { dovecotAuthenticate } from './dovecot-auth-client.mjs';
import { resolveInstance } from './instance.mjs';
import { lmtpDeliver } from './lmtp-client.mjs';

/** Most recipients of one message (RFC 5321 §4.5.3.1.8 asks servers to take at least 100). */
const MAX_RECIPIENTS = 100;

const { values } = parseArgs({ options: { instance: { type: 'string', default: 'demo' } } });
const inst = resolveInstance(values.instance);
/** Largest message accepted (advertised with the SIZE extension, RFC 1870). */
const MAX_MESSAGE_BYTES = inst.smtpMaxMessageBytes;
const localUsers = new Set([...DEMO_USERS, ...TEST_MAILBOX_USERS].map((u) => u.name));

const smtpError = (code, message) => Object.assign(new Error(message), { responseCode: code });

const server = new SMTPServer({
  name: 'sealpost-stack.localhost',
  banner: 'Sealpost local submission server',
  size: MAX_MESSAGE_BYTES,
  authMethods: ['PLAIN', 'LOGIN'],
  // Loopback only and no TLS; the app's real deployments do the same AUTH over TLS.
  allowInsecureAuth: true,
  disabledCommands: ['STARTTLS'],
  authOptional: false,
  maxClients: 50,
  // No reverse DNS for the greeting: the stack must not wait on a resolver when offline.
  disableReverseLookup: true,
  logger: false,

  async onAuth(auth, session, callback) {
    try {
      const result = await dovecotAuthenticate({
        host: inst.host,
        port: inst.ports.auth,
        username: auth.username ?? '',
        password: auth.password ?? '',
        remoteIp: session.remoteAddress,
        localIp: inst.host,
      });
      if (result.ok) return callback(null, { user: result.user.split('@')[0].toLowerCase() });
      if (result.temporary) {
        return callback(smtpError(454, `4.7.0 Temporary authentication failure (${result.reason}), try again`));
      }
      callback(smtpError(535, '5.7.8 Authentication failed: wrong username or password'));
    } catch (e) {
      log(`auth service error: ${e.message}`);
      callback(smtpError(454, `4.7.0 Temporary authentication failure (${e.message})`));
    }
  },

  onMailFrom(address, session, callback) {
    const own = `${session.user}@${DEMO_DOMAIN}`;
    if (address.address !== '' && address.address.toLowerCase() !== own) {
      return callback(smtpError(553, `5.7.1 Sender address <${address.address}> is not owned by user ${session.user}`));
    }
    callback();
  },

  onRcptTo(address, session, callback) {
    const [local = '', domain = ''] = address.address.toLowerCase().split(/@(?=[^@]*$)/);
    if (domain !== DEMO_DOMAIN) {
      return callback(
        smtpError(550, `5.7.1 Relaying to <${address.address}> denied: this server only delivers to @${DEMO_DOMAIN}`),
      );
    }
    if (!localUsers.has(local)) return callback(smtpError(550, `5.1.1 <${address.address}>: no such user here`));
    if (session.envelope.rcptTo.length >= MAX_RECIPIENTS) {
      return callback(smtpError(452, `4.5.3 Too many recipients: at most ${MAX_RECIPIENTS} per message`));
    }
    callback();
  },

  onData(stream, session, callback) {
    const chunks = [];
    stream.on('data', (c) => {
      // Past the limit, keep reading (the client is still sending) but stop keeping it.
      if (!stream.sizeExceeded) chunks.push(c);
    });
    stream.on('error', (e) => callback(smtpError(451, `4.3.0 Error reading the message: ${e.message}`)));
    stream.on('end', () => {
      if (stream.sizeExceeded) {
        log(`${session.user}: refused ${stream.byteLength} bytes, over the ${MAX_MESSAGE_BYTES}-byte limit`);
        return callback(smtpError(552, `5.3.4 Message too big: the limit is ${MAX_MESSAGE_BYTES} bytes`));
      }
      deliver(session, Buffer.concat(chunks)).then(
        (text) => callback(null, text),
        (err) => callback(err),
      );
    });
  },
});

/**
 * Hands the message to Dovecot and turns LMTP's per-recipient answers into SMTP's single one.
 * Resolves with the 250 text; rejects with an SMTP error carrying a responseCode.
 */
async function deliver(session, message) {
  const from = session.envelope.mailFrom ? session.envelope.mailFrom.address : '';
  // Dovecot would store a duplicate recipient twice.
  const recipients = [];
  for (const { address } of session.envelope.rcptTo) {
    if (!recipients.some((r) => r.toLowerCase() === address.toLowerCase())) recipients.push(address);
  }
  const summary = `${session.user} <${from}> -> ${recipients.join(', ')}: ${message.length} bytes`;
  let results;
  try {
    results = await lmtpDeliver({ host: inst.host, port: inst.ports.lmtp, from, recipients, message });
  } catch (e) {
    log(`${summary}: NOT delivered, LMTP error: ${e.message}`);
    throw smtpError(451, `4.4.1 Local delivery is unavailable, try again later (${e.message})`);
  }
  const failed = results.filter((r) => r.code !== 250);
  if (failed.length === 0) {
    log(`${summary}: delivered`);
    return `2.0.0 Delivered to ${recipients.length} recipient(s)`;
  }
  const reasons = failed.map((f) => `<${f.recipient}> ${f.code} ${f.text}`).join('; ');
  if (failed.length === recipients.length) {
    log(`${summary}: NOT delivered: ${reasons}`);
    // Any temporary failure makes the whole message worth retrying.
    const temporary = failed.some((f) => f.code < 500);
    throw smtpError(temporary ? 451 : 554, `${temporary ? '4.3.0' : '5.0.0'} Delivery failed: ${reasons}`);
  }
  // Some recipients have it: an error now would make the client send it to them again. So
  // accept, and tell the sender who did not get it with a bounce (RFC 5321 §4.5.5, §6.1).
  log(`${summary}: partly delivered, failed: ${reasons}`);
  await bounce(from, message, failed);
  return `2.0.0 Delivered to ${recipients.length - failed.length} of ${recipients.length} recipients; ` +
    `failed: ${reasons}`;
}

// A plain-text non-delivery notice into the sender's own mailbox. Never for the null sender,
// which is what keeps bounces from looping.
async function bounce(from, message, failed) {
  if (from === '') return;
  const headerEnd = message.indexOf('\r\n\r\n');
  const headers = message.subarray(0, headerEnd < 0 ? Math.min(message.length, 8192) : headerEnd).toString('utf8');
  const text = [
    `From: Mail Delivery System <MAILER-DAEMON@${DEMO_DOMAIN}>`,
    `To: <${from}>`,
    'Subject: Undelivered Mail Returned to Sender',
    `Date: ${new Date().toUTCString()}`,
    `Message-ID: <${crypto.randomUUID()}@${DEMO_DOMAIN}>`,
    'Auto-Submitted: auto-replied',
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=utf-8',
    'Content-Transfer-Encoding: 8bit',
    '',
    'Your message could not be delivered to these recipients:',
    '',
    ...failed.map((f) => `  <${f.recipient}>: ${f.code} ${f.text}`),
    '',
    'It was delivered to the other recipients. Its header:',
    '',
    ...headers.split('\r\n').map((l) => `  ${l}`),
    '',
  ].join('\r\n');
  try {
    const [result] = await lmtpDeliver({ host: inst.host, port: inst.ports.lmtp, from: '', recipients: [from], message: Buffer.from(text, 'utf8') });
    if (result?.code !== 250) log(`bounce to <${from}> failed: ${result?.code} ${result?.text}`);
  } catch (e) {
    log(`bounce to <${from}> failed: ${e.message}`);
  }
}

function log(line) {
  process.stdout.write(`${new Date().toISOString()} ${line}\n`);
}

server.on('error', (e) => log(`server error: ${e.message}`));
server.listen(inst.ports.smtp, inst.host, () => {
  log(`listening on ${inst.host}:${inst.ports.smtp}; local users: ${DEMO_USERS.map(emailOf).join(', ')}`);
});
for (const sig of ['SIGTERM', 'SIGINT']) {
  process.on(sig, () => {
    server.close(() => process.exit(0));
    // Idle client connections would hold close() open; the stack's stop waits only so long.
    setTimeout(() => process.exit(0), 2000).unref();
  });
}
