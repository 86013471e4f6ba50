// A client for Dovecot's authentication protocol (the one Postfix uses for SASL,
// https://doc.dovecot.org/developer_manual/design/auth_protocol/): lets the SMTP server check
// credentials against exactly the users Dovecot serves.
import net from 'node:net';

/**
 * Checks a username and password with one AUTH PLAIN request.
 * @returns {Promise<{ ok: true, user: string } | { ok: false, reason: string }>}
 */
export function dovecotAuthenticate({ host, port, username, password, service = 'smtp', timeoutMs = 5000 }) {
  return new Promise((resolve, reject) => {
    const sock = net.connect({ host, port });
    const id = 1;
    let buffer = '';
    let handshakeDone = false;
    const finish = (fn, value) => {
      sock.destroy();
      fn(value);
    };
    sock.setTimeout(timeoutMs, () => finish(reject, new Error('Dovecot auth did not answer in time')));
    sock.once('error', (e) => finish(reject, new Error(`Dovecot auth unreachable: ${e.message}`)));
    sock.on('data', (chunk) => {
      buffer += chunk.toString('utf8');
      let nl;
      while ((nl = buffer.indexOf('\n')) >= 0) {
        const line = buffer.slice(0, nl);
        buffer = buffer.slice(nl + 1);
        const reply = parseAuthLine(line);
        if (!handshakeDone) {
          if (reply.command === 'DONE') {
            handshakeDone = true;
            const resp = Buffer.from(`\0${username}\0${password}`, 'utf8').toString('base64');
            sock.write(`AUTH\t${id}\tPLAIN\tservice=${service}\tsecured\tno-penalty\tresp=${resp}\n`);
          }
          continue;
        }
        if (reply.command === 'OK' && reply.id === String(id)) {
          return finish(resolve, { ok: true, user: reply.params.user ?? username });
        }
        if (reply.command === 'FAIL' && reply.id === String(id)) {
          return finish(resolve, { ok: false, reason: reply.params.reason ?? 'authentication failed' });
        }
        if (reply.command === 'CONT') {
          return finish(reject, new Error('Dovecot auth asked for another round for PLAIN'));
        }
      }
    });
    sock.once('connect', () => sock.write(`VERSION\t1\t2\nCPID\t${process.pid}\n`));
  });
}

/** Splits "OK\t1\tuser=alice\tsecured" into { command, id, params }. Exported for tests. */
export function parseAuthLine(line) {
  const [command = '', id = '', ...rest] = line.replace(/\r$/, '').split('\t');
  const params = {};
  for (const field of rest) {
    const eq = field.indexOf('=');
    if (eq < 0) params[field] = true;
    else params[field.slice(0, eq)] = unescapeTab(field.slice(eq + 1));
  }
  return { command, id, params };
}

// The protocol escapes \t, \n and \ inside values as \t, \n, \\ (auth protocol, "Escaping").
function unescapeTab(value) {
  return value.replace(/\\(.)/g, (_, c) => (c === 't' ? '\t' : c === 'n' ? '\n' : c === 'r' ? '\r' : c));
}
