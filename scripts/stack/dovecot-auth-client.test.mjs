import net from 'node:net';

import { afterEach, describe, expect, it } from 'vitest';

import { createAuthSession, dovecotAuthenticate, parseAuthLine, tabEscape, tabUnescape } from './dovecot-auth-client.mjs';

// What Dovecot 2.3's auth service sends a new client connection, up to DONE.
const HANDSHAKE = ['VERSION\t1\t2', 'MECH\tPLAIN\tplaintext', 'MECH\tLOGIN\tplaintext', 'SPID\t42', 'CUID\t7', 'COOKIE\tabc', 'DONE'];

describe('parseAuthLine', () => {
  it('splits command, id and parameters', () => {
    expect(parseAuthLine('OK\t1\tuser=alice\tsecured')).toEqual({
      command: 'OK',
      id: '1',
      params: { user: 'alice', secured: true },
    });
  });

  it('undoes Dovecot\'s \\001 escaping of TAB, CR, LF, NUL and \\001 in values', () => {
    expect(parseAuthLine('FAIL\t7\treason=bad\x01tpass\x01nword\x01r\x010\x011').params.reason).toBe('bad\tpass\nword\r\0\x01');
  });

  it('leaves backslashes alone (they are not escapes in this protocol)', () => {
    expect(parseAuthLine('FAIL\t1\treason=C:\\temp\\n').params.reason).toBe('C:\\temp\\n');
  });

  it('tolerates a CR before the LF', () => {
    expect(parseAuthLine('DONE\r').command).toBe('DONE');
  });
});

describe('tabEscape', () => {
  it('round-trips every special character', () => {
    const value = 'a\tb\nc\rd\0e\x01f\\g';
    expect(tabEscape(value)).not.toMatch(/[\t\n\r\0]/);
    expect(tabUnescape(tabEscape(value))).toBe(value);
  });
});

describe('createAuthSession', () => {
  const session = () => createAuthSession({ username: 'alice', password: 'pa\tss', service: 'smtp', pid: 99, remoteIp: '127.0.0.1' });
  const handshake = (s) => HANDSHAKE.map((l) => s.receive(l)).at(-1);

  it('announces version and pid, then sends AUTH PLAIN after DONE', () => {
    const s = session();
    expect(s.hello()).toBe('VERSION\t1\t2\nCPID\t99\n');
    const step = handshake(s);
    const fields = step.send.trimEnd().split('\t');
    expect(fields.slice(0, 3)).toEqual(['AUTH', '1', 'PLAIN']);
    expect(fields).toContain('service=smtp');
    expect(fields).toContain('rip=127.0.0.1');
    const resp = fields.find((f) => f.startsWith('resp='));
    // RFC 4616: empty authzid, NUL, authcid, NUL, password; a TAB in it is safe inside base64.
    expect(Buffer.from(resp.slice(5), 'base64').toString()).toBe('\0alice\0pa\tss');
    expect(step.send.endsWith('\n')).toBe(true);
  });

  it('turns OK into the canonical user name', () => {
    const s = session();
    handshake(s);
    expect(s.receive('OK\t1\tuser=alice@sealpost.test')).toEqual({ result: { ok: true, user: 'alice@sealpost.test' } });
  });

  it('turns FAIL into a refusal, and FAIL with temp into a temporary one', () => {
    const s1 = session();
    handshake(s1);
    expect(s1.receive('FAIL\t1\tuser=alice').result).toEqual({ ok: false, temporary: false, reason: 'authentication failed' });
    const s2 = session();
    handshake(s2);
    expect(s2.receive('FAIL\t1\ttemp\treason=db down').result).toEqual({ ok: false, temporary: true, reason: 'db down' });
  });

  it('ignores replies for other ids', () => {
    const s = session();
    handshake(s);
    expect(s.receive('OK\t2\tuser=mallory')).toEqual({});
  });

  it('refuses another protocol major version and a server without PLAIN', () => {
    expect(() => session().receive('VERSION\t2\t0')).toThrow(/version 2/);
    const s = session();
    s.receive('VERSION\t1\t2');
    s.receive('MECH\tLOGIN\tplaintext');
    expect(() => s.receive('DONE')).toThrow(/PLAIN/);
  });

  it('refuses a CONT for PLAIN (the initial response carries everything)', () => {
    const s = session();
    handshake(s);
    expect(() => s.receive('CONT\t1\t')).toThrow(/another round/);
  });
});

// A fake auth service over TCP that checks one password, as Dovecot would.
function fakeAuthServer({ password, hangUp = false }) {
  const seen = [];
  const server = net.createServer((sock) => {
    sock.write(HANDSHAKE.join('\n') + '\n');
    let buf = '';
    sock.on('data', (chunk) => {
      buf += chunk.toString();
      let nl;
      while ((nl = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, nl);
        buf = buf.slice(nl + 1);
        seen.push(line);
        if (!line.startsWith('AUTH\t')) continue;
        if (hangUp) return void sock.destroy();
        const resp = line.split('\t').find((f) => f.startsWith('resp=')).slice(5);
        const [, user, pass] = Buffer.from(resp, 'base64').toString().split('\0');
        // Dovecot sends the reply in parts sometimes; split it to test reassembly.
        const reply = pass === password ? `OK\t1\tuser=${user}@sealpost.test\n` : `FAIL\t1\tuser=${user}\n`;
        sock.write(reply.slice(0, 3));
        setTimeout(() => sock.write(reply.slice(3)), 5);
      }
    });
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({ server, seen, port: server.address().port })));
}

describe('dovecotAuthenticate', () => {
  let server;
  afterEach(() => server?.close());

  it('accepts the right password and refuses a wrong one', async () => {
    const peer = await fakeAuthServer({ password: 'alice-pass' });
    server = peer.server;
    const ask = (password) => dovecotAuthenticate({ host: '127.0.0.1', port: peer.port, username: 'alice', password });
    expect(await ask('alice-pass')).toEqual({ ok: true, user: 'alice@sealpost.test' });
    expect(await ask('wrong')).toMatchObject({ ok: false, temporary: false });
    expect(peer.seen.filter((l) => l.startsWith('CPID\t'))).toHaveLength(2);
  });

  it('rejects when the service hangs up, and when it is silent', async () => {
    const hangUp = await fakeAuthServer({ hangUp: true });
    server = hangUp.server;
    await expect(dovecotAuthenticate({ host: '127.0.0.1', port: hangUp.port, username: 'a', password: 'b' })).rejects.toThrow(
      /closed|ECONNRESET/,
    );
    hangUp.server.close();

    const silent = net.createServer(() => {});
    await new Promise((r) => silent.listen(0, '127.0.0.1', r));
    server = silent;
    await expect(
      dovecotAuthenticate({ host: '127.0.0.1', port: silent.address().port, username: 'a', password: 'b', timeoutMs: 100 }),
    ).rejects.toThrow(/did not answer/);
  });
});
