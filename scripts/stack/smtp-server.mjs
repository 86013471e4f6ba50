#!/usr/bin/env node
// The local stack's SMTP submission server (node scripts/stack/smtp-server.mjs --instance NAME):
// AUTH PLAIN/LOGIN checked by Dovecot, mail for the local domain delivered to Dovecot over LMTP
// byte for byte, every other domain refused. A real SMTP server on a real port, built on
// the smtp-server package.
import { parseArgs } from 'node:util';

import { SMTPServer } from 'smtp-server';

import { DEMO_DOMAIN, DEMO_USERS, emailOf } from './demo-users.mjs';
import { dovecotAuthenticate } from './dovecot-auth-client.mjs';
import { resolveInstance } from './instance.mjs';
import { lmtpDeliver } from './lmtp-client.mjs';

/** Largest message accepted (advertised with the SIZE extension, RFC 1870). */
export const MAX_MESSAGE_BYTES = 50 * 1024 * 1024;

const { values } = parseArgs({ options: { instance: { type: 'string', default: 'demo' } } });
const inst = resolveInstance(values.instance);
const localUsers = new Set(DEMO_USERS.map((u) => u.name));

const smtpError = (code, message) => Object.assign(new Error(message), { responseCode: code });

const server = new SMTPServer({
  name: 'sealpost-stack.localhost',
  banner: 'Sealpost local submission server',
  size: MAX_MESSAGE_BYTES,
  authMethods: ['PLAIN', 'LOGIN'],
  // Loopback only and no TLS: plain AUTH is what the app's real deployments do over TLS.
  allowInsecureAuth: true,
  disabledCommands: ['STARTTLS'],
  authOptional: false,
  logger: false,

  async onAuth(auth, _session, callback) {
    try {
      const result = await dovecotAuthenticate({
        host: inst.host,
        port: inst.ports.auth,
        username: auth.username ?? '',
        password: auth.password ?? '',
      });
      if (!result.ok) return callback(smtpError(535, '5.7.8 Authentication failed: wrong username or password'));
      callback(null, { user: result.user.split('@')[0].toLowerCase() });
    } catch (e) {
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

  onRcptTo(address, _session, callback) {
    const [local = '', domain = ''] = address.address.toLowerCase().split(/@(?=[^@]*$)/);
    if (domain !== DEMO_DOMAIN) {
      return callback(
        smtpError(550, `5.7.1 Relaying to <${address.address}> denied: this server only delivers to @${DEMO_DOMAIN}`),
      );
    }
    if (!localUsers.has(local)) return callback(smtpError(550, `5.1.1 <${address.address}>: no such user here`));
    callback();
  },

  onData(stream, session, callback) {
    const chunks = [];
    stream.on('data', (c) => chunks.push(c));
    stream.on('error', (e) => callback(smtpError(451, `4.3.0 Error reading the message: ${e.message}`)));
    stream.on('end', async () => {
      if (stream.sizeExceeded) {
        return callback(smtpError(552, `5.3.4 Message too big: the limit is ${MAX_MESSAGE_BYTES} bytes`));
      }
      const message = Buffer.concat(chunks);
      const recipients = session.envelope.rcptTo.map((r) => r.address);
      const from = session.envelope.mailFrom ? session.envelope.mailFrom.address : '';
      try {
        const results = await lmtpDeliver({ host: inst.host, port: inst.ports.lmtp, from, recipients, message });
        const failed = results.filter((r) => r.code !== 250);
        log(`${session.user} <${from}> -> ${recipients.join(', ')}: ${message.length} bytes, ` +
          (failed.length ? `FAILED ${failed.map((f) => `${f.recipient} ${f.code} ${f.text}`).join('; ')}` : 'delivered'));
        if (failed.length === recipients.length) {
          const first = failed[0];
          return callback(smtpError(first.code >= 500 ? 554 : 451, `Delivery failed: ${first.text}`));
        }
        if (failed.length) {
          // Some recipients got it: a 4xx would make the client send it to them again.
          return callback(null, `Delivered to ${recipients.length - failed.length} of ${recipients.length} recipients`);
        }
        callback(null, 'Delivered');
      } catch (e) {
        log(`${session.user} <${from}> -> ${recipients.join(', ')}: LMTP error ${e.message}`);
        callback(smtpError(451, `4.4.1 Local delivery is unavailable, try again later (${e.message})`));
      }
    });
  },
});

function log(line) {
  process.stdout.write(`${new Date().toISOString()} ${line}\n`);
}

server.on('error', (e) => log(`server error: ${e.message}`));
server.listen(inst.ports.smtp, inst.host, () => {
  log(`listening on ${inst.host}:${inst.ports.smtp}; local users: ${DEMO_USERS.map(emailOf).join(', ')}`);
});
for (const sig of ['SIGTERM', 'SIGINT']) {
  process.on(sig, () => server.close(() => process.exit(0)));
}
