// A client for Dovecot's authentication protocol (the one Postfix uses for SASL,
// https://doc.dovecot.org/developer_manual/design/auth_protocol/): lets the SMTP server check
// credentials against exactly the users Dovecot serves.
import net from 'node:net';

/** Protocol major version we speak; the server must match it (minor versions are compatible). */
const AUTH_PROTOCOL_MAJOR = '1';

/** Longest line we buffer from the auth server before giving up on it. */
export const MAX_AUTH_LINE_BYTES = 64 * 1024;

/**
 * @typedef {{ ok: true, user: string }
 *   | { ok: false, temporary: boolean, reason: string }} AuthResult
 */

/**
 * Checks a username and password with one AUTH PLAIN request on a fresh connection.
 * Resolves with the verdict (a wrong password is `{ ok: false, temporary: false }`); rejects only
 * when the auth service cannot be asked (unreachable, timeout, protocol error).
 * @param {{ host: string, port: number, username: string, password: string, service?: string,
 *           remoteIp?: string, localIp?: string, timeoutMs?: number }} options
 * @returns {Promise<AuthResult>}
 */
export function dovecotAuthenticate({ host, port, username, password, service = 'smtp', remoteIp, localIp, timeoutMs = 5000 }) {
  return new Promise((resolve, reject) => {
    const sock = net.connect({ host, port });
    const session = createAuthSession({ username, password, service, remoteIp, localIp, pid: process.pid });
    let buffer = '';
    let settled = false;
    const finish = (fn, value) => {
      if (settled) return;
      settled = true;
      sock.destroy();
      fn(value);
    };
    sock.setTimeout(timeoutMs, () => finish(reject, new Error('Dovecot auth did not answer in time')));
    sock.on('error', (e) => finish(reject, new Error(`Dovecot auth unreachable: ${e.message}`)));
    sock.on('close', () => finish(reject, new Error('Dovecot auth closed the connection')));
    sock.on('data', (chunk) => {
      buffer += chunk.toString('utf8');
      if (buffer.length > MAX_AUTH_LINE_BYTES && !buffer.includes('\n')) {
        return finish(reject, new Error('Dovecot auth sent an over-long line'));
      }
      let nl;
      while ((nl = buffer.indexOf('\n')) >= 0) {
        const line = buffer.slice(0, nl);
        buffer = buffer.slice(nl + 1);
        try {
          const step = session.receive(line);
          if (step.send) sock.write(step.send);
          if (step.result) return finish(resolve, step.result);
        } catch (e) {
          return finish(reject, e);
        }
      }
    });
    sock.once('connect', () => sock.write(session.hello()));
  });
}

/**
 * The client side of one PLAIN authentication as a socket-free state machine (tested without a
 * server): `hello()` is the first thing to send; `receive(line)` takes each server line and says
 * what to send next and, at the end, the result.
 * @param {{ username: string, password: string, service: string, remoteIp?: string,
 *           localIp?: string, pid: number, id?: number }} options
 */
export function createAuthSession({ username, password, service, remoteIp, localIp, pid, id = 1 }) {
  let handshakeDone = false;
  let mechanisms = [];
  return {
    hello: () => `VERSION\t${AUTH_PROTOCOL_MAJOR}\t2\nCPID\t${pid}\n`,
    /** @param {string} line @returns {{ send?: string, result?: AuthResult }} */
    receive(line) {
      const reply = parseAuthLine(line);
      if (!handshakeDone) {
        if (reply.command === 'VERSION' && reply.id !== AUTH_PROTOCOL_MAJOR) {
          throw new Error(`Dovecot auth speaks protocol version ${reply.id}, not ${AUTH_PROTOCOL_MAJOR}`);
        }
        if (reply.command === 'MECH') mechanisms.push(reply.id.toUpperCase());
        if (reply.command !== 'DONE') return {};
        handshakeDone = true;
        if (!mechanisms.includes('PLAIN')) throw new Error('Dovecot auth does not offer the PLAIN mechanism');
        return { send: authRequest({ id, service, username, password, remoteIp, localIp }) };
      }
      if (reply.id !== String(id)) return {};
      if (reply.command === 'OK') return { result: { ok: true, user: reply.params.user ?? username } };
      if (reply.command === 'FAIL') {
        const temporary = reply.params.temp === true;
        return { result: { ok: false, temporary, reason: reply.params.reason ?? 'authentication failed' } };
      }
      if (reply.command === 'CONT') throw new Error('Dovecot auth asked for another round for PLAIN');
      throw new Error(`Dovecot auth sent an unexpected ${reply.command}`);
    },
  };
}

// PLAIN's initial response is authzid NUL authcid NUL password (RFC 4616), sent base64 in resp=.
// "secured" tells Dovecot the channel is trusted (loopback), so plaintext is allowed;
// "no-penalty" keeps a test's deliberate wrong password from slowing the next logins.
function authRequest({ id, service, username, password, remoteIp, localIp }) {
  const resp = Buffer.from(`\0${username}\0${password}`, 'utf8').toString('base64');
  const fields = ['AUTH', String(id), 'PLAIN', `service=${tabEscape(service)}`, 'secured', 'no-penalty'];
  if (localIp) fields.push(`lip=${tabEscape(localIp)}`);
  if (remoteIp) fields.push(`rip=${tabEscape(remoteIp)}`);
  fields.push(`resp=${resp}`);
  return fields.join('\t') + '\n';
}

/** Splits "OK\t1\tuser=alice\tsecured" into { command, id, params }. */
export function parseAuthLine(line) {
  const [command = '', id = '', ...rest] = line.replace(/\r$/, '').split('\t');
  /** @type {Record<string, string | true>} */
  const params = {};
  for (const field of rest) {
    const eq = field.indexOf('=');
    if (eq < 0) params[tabUnescape(field)] = true;
    else params[field.slice(0, eq)] = tabUnescape(field.slice(eq + 1));
  }
  return { command, id: tabUnescape(id), params };
}

// Dovecot's internal protocols escape with \001 (lib/strescape.c, str_tabescape):
// \001 -> \0011, TAB -> \001t, CR -> \001r, LF -> \001n, NUL -> \0010.
const ESC = '\x01';
const UNESCAPE = { 1: ESC, t: '\t', r: '\r', n: '\n', 0: '\0' };
const ESCAPE = { [ESC]: '1', '\t': 't', '\r': 'r', '\n': 'n', '\0': '0' };

export function tabUnescape(value) {
  if (!value.includes(ESC)) return value;
  let out = '';
  for (let i = 0; i < value.length; i++) {
    if (value[i] === ESC && i + 1 < value.length) out += UNESCAPE[value[++i]] ?? value[i];
    else out += value[i];
  }
  return out;
}

export function tabEscape(value) {
  let out = '';
  for (const c of value) out += c in ESCAPE ? ESC + ESCAPE[c] : c;
  return out;
}
