import 'server-only';

import fs from 'node:fs';
import net from 'node:net';
import tls from 'node:tls';

import { ImapFlow } from 'imapflow';

import { config, type ServerEndpoint } from '../config';
import { mapImapError } from './imap-errors';

/** Connecting, the greeting and LOGIN must each finish within this time. */
export const IMAP_CONNECT_TIMEOUT_MS = 10_000;

let caCache: { file: string; pem: Buffer } | undefined;

function tlsOptions(endpoint: ServerEndpoint) {
  const file = config().tlsCaFile;
  if (file && caCache?.file !== file) caCache = { file, pem: fs.readFileSync(file) };
  return {
    // SNI takes host names only (RFC 6066 section 3).
    ...(net.isIP(endpoint.host) ? {} : { servername: endpoint.host }),
    // An extra CA adds to Node's default roots instead of replacing them.
    ...(file && caCache ? { ca: [...tls.rootCertificates, caCache.pem.toString('utf8')] } : {}),
  };
}

/**
 * What we tell the server in ID (RFC 2971) before LOGIN. With the app's address in Dovecot's
 * login_trusted_networks, x-originating-ip makes the server log, and slow down failed logins,
 * per browser address rather than for the whole webmail at once.
 */
function clientInfo(clientIp: string | undefined) {
  return {
    name: 'Sealpost',
    vendor: 'Sealpost',
    version: false as const,
    'support-url': false as const,
    ...(clientIp && net.isIP(clientIp) ? { 'x-originating-ip': clientIp } : {}),
  };
}

/**
 * Opens and authenticates one IMAP connection. Throws a coded AppError: 'auth-failed' when the
 * server refuses the credentials, 'imap-unavailable' when it cannot be reached.
 */
export async function openImap(
  endpoint: ServerEndpoint,
  user: string,
  pass: string,
  { clientIp, autoIdleDelayMs }: { clientIp?: string; autoIdleDelayMs?: number } = {},
): Promise<ImapFlow> {
  const auth = { user, pass };
  const client = new ImapFlow({
    host: endpoint.host,
    port: endpoint.port,
    secure: endpoint.security === 'tls',
    doSTARTTLS: endpoint.security === 'starttls' ? true : endpoint.security === 'none' ? false : undefined,
    tls: tlsOptions(endpoint),
    auth,
    clientInfo: clientInfo(clientIp),
    // imapflow's logger would print commands and server answers; we log our own coded errors.
    logger: false,
    connectionTimeout: IMAP_CONNECT_TIMEOUT_MS,
    greetingTimeout: IMAP_CONNECT_TIMEOUT_MS,
    // Request connections never IDLE (it would cost two round trips per command); the live-event
    // watcher's own connection IDLEs on its folder soon after each command (server/events/).
    disableAutoIdle: autoIdleDelayMs === undefined,
    ...(autoIdleDelayMs !== undefined ? { autoIdleDelay: autoIdleDelayMs } : {}),
  });
  // imapflow emits 'error' on dropped sockets; without a listener Node would end the process.
  // The failed command rejects by itself, and `usable` turns false for the next request.
  client.on('error', () => {});
  try {
    await client.connect();
    return client;
  } catch (err) {
    client.close();
    const mapped = mapImapError(err);
    if (mapped.code !== 'auth-failed') {
      console.warn(`[sealpost] IMAP ${endpoint.host}:${endpoint.port} (${endpoint.security}): ${mapped.code}: ${mapped.message}`);
    }
    throw mapped;
  } finally {
    // imapflow keeps the options object; the clear password must not outlive LOGIN there. The
    // session keeps its own sealed copy (server/session/credential-box.ts).
    auth.pass = '';
  }
}
