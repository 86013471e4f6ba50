// Starts and stops one instance of the local mail stack, in dependency order:
// demo PKI -> CRL/AIA HTTP + OCSP -> Dovecot (IMAP, LMTP, auth) -> SMTP -> slapd -> seeded mail.
// Every step is idempotent, so "start" on a running stack only fills in what is missing.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

import { DEMO_DOMAIN } from './demo-users.mjs';
import { startDovecot, stopDovecot } from './dovecot.mjs';
import { startLdap, stopLdap, LDAP_BASE_DN } from './ldap.mjs';
import { ensurePki } from './pki.mjs';
import { startPkiServices, stopPkiServices } from './pki-services.mjs';
import { runningPid } from './processes.mjs';
import { ensureSeeded } from './seed-mail.mjs';
import { startSmtp, stopSmtp } from './smtp.mjs';

/** The daemons of a stack, in start order. */
export const SERVICES = ['pki-http', 'ocsp', 'dovecot', 'smtp', 'ldap'];

/**
 * @param {ReturnType<import('./instance.mjs').resolveInstance>} inst
 * @param {{ seed?: boolean, log?: (line: string) => void }} [options]
 */
export async function startStack(inst, { seed = true, log = () => {} } = {}) {
  fs.mkdirSync(inst.stateDir, { recursive: true });
  const step = async (label, fn) => {
    const t0 = Date.now();
    const result = await fn();
    log(`  ${label} (${Date.now() - t0} ms)`);
    return result;
  };
  const pki = await step('demo PKI', () => ensurePki(inst));
  await step('CRL/AIA server and OCSP responder', () => startPkiServices(inst));
  await step('Dovecot IMAP/LMTP', () => startDovecot(inst));
  await step('SMTP submission server', () => startSmtp(inst));
  await step('OpenLDAP directory', () => startLdap(inst, pki));
  if (seed) await step('demo mailboxes', () => ensureSeeded(inst));
  writeAppEnv(inst, pki);
  return { pki, appEnvFile: appEnvPath(inst) };
}

/** Stops every daemon of the instance, even ones whose start failed half-way. */
export async function stopStack(inst) {
  // Reverse order: the SMTP server delivers into Dovecot, so it goes first.
  const stops = [stopLdap, stopSmtp, stopDovecot, stopPkiServices];
  const errors = [];
  for (const stop of stops) {
    try {
      await stop(inst);
    } catch (e) {
      errors.push(e);
    }
  }
  if (errors.length) throw new AggregateError(errors, `could not stop every service of "${inst.name}"`);
}

export function stackStatus(inst) {
  return Object.fromEntries(SERVICES.map((name) => [name, runningPid(inst, name)]));
}

export function appEnvPath(inst) {
  return path.join(inst.stateDir, 'app.env.json');
}

/** Environment for the Next.js server that points it at this instance (see .env.example). */
export function appEnv(inst, pki) {
  return {
    PORT: String(inst.ports.app),
    SEALPOST_IMAP_HOST: inst.host,
    SEALPOST_IMAP_PORT: String(inst.ports.imap),
    SEALPOST_IMAP_SECURITY: 'none',
    SEALPOST_SMTP_HOST: inst.host,
    SEALPOST_SMTP_PORT: String(inst.ports.smtp),
    SEALPOST_SMTP_SECURITY: 'none',
    SEALPOST_LDAP_URL: `ldap://${inst.host}:${inst.ports.ldap}`,
    SEALPOST_LDAP_BASE_DN: LDAP_BASE_DN,
    // The demo directory is readable anonymously, like many a GAL: no bind DN.
    SEALPOST_LDAP_BIND_DN: '',
    SEALPOST_LDAP_BIND_PASSWORD: '',
    SEALPOST_LDAP_CONNECT_TIMEOUT_MS: '2000',
    SEALPOST_LDAP_TIMEOUT_MS: '3000',
    SEALPOST_TRUST_ANCHORS: pki.trustAnchors,
    SEALPOST_SESSION_SECRET: sessionSecret(inst),
    SEALPOST_MAIL_DOMAIN: DEMO_DOMAIN,
    // The demo CRL, OCSP and caIssuers services listen on loopback, which the PKI relay refuses
    // unless told otherwise. The allow list has no ports: this admits all of 127.0.0.1.
    SEALPOST_PKI_FETCH_ALLOW: `${inst.host}/32`,
    // The demo PKI's root is the organisation's anchor (SEALPOST_TRUST_ANCHORS above), so every
    // demo user trusts the others out of the box; the policy is DEMO_POLICY.
    SEALPOST_POLICY_FILE: writeDemoPolicy(inst),
  };
}

/**
 * The demo organisation's S/MIME policy: the defaults written out, except that only 256-bit AES
 * is sent (every demo client is Sealpost, which reads both). Nothing is required, so the demo
 * users can also try plain mail.
 */
export const DEMO_POLICY = {
  requireSigning: false,
  requireEncryption: false,
  allowedSendCiphers: ['aes-256-gcm', 'aes-256-cbc'],
  minRsaBits: 2048,
  allowedSignatureHashes: ['SHA-256', 'SHA-384', 'SHA-512'],
  allowUnencryptedToRecipientsWithoutCertificate: true,
  revocation: 'soft-fail',
  defaultSigningFormat: 'clear',
  everyoneReadsGcm: false,
};

function writeDemoPolicy(inst) {
  const file = path.join(inst.stateDir, 'policy.json');
  fs.writeFileSync(file, JSON.stringify(DEMO_POLICY, null, 2) + '\n');
  return file;
}

function writeAppEnv(inst, pki) {
  fs.writeFileSync(appEnvPath(inst), JSON.stringify(appEnv(inst, pki), null, 2) + '\n', { mode: 0o600 });
}

// One random secret per instance, kept in its state folder so sessions survive an app restart.
function sessionSecret(inst) {
  const file = path.join(inst.stateDir, 'session-secret');
  if (!fs.existsSync(file)) {
    fs.writeFileSync(file, crypto.randomBytes(32).toString('base64url'), { mode: 0o600 });
  }
  return fs.readFileSync(file, 'utf8').trim();
}
