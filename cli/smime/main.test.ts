import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import * as pkijs from 'pkijs';
import { afterAll, describe, expect, it, vi } from 'vitest';

import { SmimeError } from '../../lib/smime/errors';
import type { Identity } from '../../lib/smime/keys/key-operations';
import type { MessageReport } from '../../lib/smime/report';
import type { CliIo } from './cli-io';
import { runSmime } from './main';
import type { SmimeLibrary } from './smime-library';

// The command layer against a fake library: what reaches the library, what reaches stdout and
// stderr, and the exit status.
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sealpost-cli-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
const file = (name: string, content = name) => {
  fs.writeFileSync(path.join(dir, name), content);
  return path.join(dir, name);
};

const REPORT: MessageReport = {
  encrypted: true, contentCipher: 'aes-256-gcm', keyTransport: 'rsa-oaep', weakCipher: false, encryptionIntegrity: 'aead', signed: true, partial: false,
  signatures: [], layers: [], text: 'hello', attachments: [], errors: [],
};

function fakeIdentity(label: string): Identity {
  const certificate = new pkijs.Certificate();
  certificate.serialNumber.valueBlock.valueHexView = new TextEncoder().encode(label);
  return { certificate, key: { kind: 'rsa' } };
}

function fakeLibrary() {
  const anchor = new pkijs.Certificate();
  return {
    anchor,
    inspectMessage: vi.fn<SmimeLibrary['inspectMessage']>(async () => REPORT),
    loadPkcs12: vi.fn<SmimeLibrary['loadPkcs12']>(async (bytes, password) => {
      if (password !== 'right') throw new SmimeError('wrong-password', 'The password does not open this PKCS#12 file.');
      return { identities: [fakeIdentity(new TextDecoder().decode(bytes))], summary: { file: new TextDecoder().decode(bytes) } };
    }),
    readCertificateFile: vi.fn<SmimeLibrary['readCertificateFile']>((bytes) => (new TextDecoder().decode(bytes) === 'empty' ? [] : [anchor])),
    signMessage: vi.fn<SmimeLibrary['signMessage']>(async () => new Uint8Array([1, 2])),
    encryptMessage: vi.fn<SmimeLibrary['encryptMessage']>(async () => new Uint8Array([3])),
    signAndEncryptMessage: vi.fn<SmimeLibrary['signAndEncryptMessage']>(async () => new Uint8Array([4])),
  };
}

function fakeIo(stdin: string | null = null) {
  const out: (Uint8Array | string)[] = [];
  const err: string[] = [];
  const io: CliIo = {
    out: (data) => void out.push(data),
    err: (text) => void err.push(text),
    readStdin: async () => new TextEncoder().encode(stdin ?? ''),
    stdinIsTerminal: stdin === null,
  };
  return { io, out, err };
}

async function run(args: string[], stdin: string | null = null) {
  const library = fakeLibrary();
  const { io, out, err } = fakeIo(stdin);
  const status = await runSmime(args, { library, io });
  return { status, out, err: err.join('\n'), library };
}

describe('smime inspect', () => {
  it('passes identities (n-th password with n-th p12), anchors, time and offline mode, and prints the report as JSON', async () => {
    const message = file('mail.eml', 'From: a@example.org\r\n\r\nhi');
    const { status, out, library } = await run([
      'inspect', message, '--p12', file('one.p12'), '--password', 'right', '--p12', file('two.p12'), '--password', 'right',
      '--trust', file('root.pem'), '--at', '2026-05-01T00:00:00Z', '--no-network',
    ]);
    expect(status).toBe(0);
    expect(JSON.parse(out.join(''))).toEqual(REPORT);
    const [raw, options] = library.inspectMessage.mock.calls[0]!;
    expect(new TextDecoder().decode(raw)).toBe('From: a@example.org\r\n\r\nhi');
    expect(options.identities.map((id) => new TextDecoder().decode(id.certificate.serialNumber.valueBlock.valueHexView))).toEqual(['one.p12', 'two.p12']);
    expect(options.anchors).toEqual([library.anchor]);
    expect(options.at?.toISOString()).toBe('2026-05-01T00:00:00.000Z');
    expect(options.fetcher).toBeNull();
  });

  it('gives a fetcher unless --no-network', async () => {
    const { library } = await run(['inspect', file('mail.eml')]);
    expect(typeof library.inspectMessage.mock.calls[0]![1].fetcher?.fetch).toBe('function');
  });

  it.each([
    [['inspect', '/nonexistent/mail.eml'], 1, 'smime: cannot read /nonexistent/mail.eml: no such file'],
    [['inspect', 'mail.eml', '--p12', 'a.p12'], 2, 'smime: inspect: give one --password for each --p12 (got 1 --p12, 0 --password)'],
    [['inspect', 'mail.eml', '--at', 'tomorrow'], 2, 'smime: inspect: --at must be an ISO 8601 time such as 2026-05-01T12:00:00Z'],
  ])('fails on %j', async (args, status, message) => {
    const result = await run(args);
    expect(result.status).toBe(status);
    expect(result.err.split('\n')[0]).toBe(message);
    expect(result.out).toEqual([]);
  });

  it('fails with the coded error when a password is wrong', async () => {
    const result = await run(['inspect', file('mail.eml'), '--p12', file('one.p12'), '--password', 'wrong']);
    expect(result.status).toBe(1);
    expect(result.err).toBe('smime: The password does not open this PKCS#12 file. (wrong-password)');
  });

  it('fails when a trust file holds no certificate', async () => {
    const result = await run(['inspect', file('mail.eml'), '--trust', file('none.pem', 'empty')]);
    expect(result.status).toBe(1);
    expect(result.err).toBe(`smime: ${path.join(dir, 'none.pem')} holds no certificate`);
  });
});

describe('smime sign, encrypt, sign-encrypt', () => {
  it('signs a file, detached unless --opaque, and writes the bytes to stdout', async () => {
    const { status, out, library } = await run(['sign', file('plain.eml'), '--p12', file('me.p12'), '--password', 'right', '--opaque']);
    expect(status).toBe(0);
    expect(out).toEqual([new Uint8Array([1, 2])]);
    expect(library.signMessage.mock.calls[0]![2]).toEqual({ opaque: true });
    expect(new TextDecoder().decode(library.signMessage.mock.calls[0]![0])).toBe('plain.eml');
  });

  it('reads stdin when no file is given, or "-"', async () => {
    for (const args of [['encrypt', '--to', file('bob.pem')], ['encrypt', '-', '--to', file('bob.pem')]]) {
      const { status, library } = await run(args, 'From: me\r\n\r\nbody');
      expect(status).toBe(0);
      expect(new TextDecoder().decode(library.encryptMessage.mock.calls[0]![0])).toBe('From: me\r\n\r\nbody');
      expect(library.encryptMessage.mock.calls[0]![2]).toEqual({ oaep: false });
    }
  });

  it('refuses to wait on a terminal', async () => {
    const result = await run(['encrypt', '--to', file('bob.pem')]);
    expect(result.status).toBe(1);
    expect(result.err).toBe('smime: encrypt: give a message file or pipe the message to stdin');
  });

  it('passes the cipher, OAEP, opacity and every recipient to sign-encrypt', async () => {
    const { status, out, library } = await run([
      'sign-encrypt', file('plain.eml'), '--p12', file('me.p12'), '--password', 'right',
      '--to', file('bob.pem'), '--to', file('carol.pem'), '--cipher', 'aes-256-gcm', '--oaep',
    ]);
    expect(status).toBe(0);
    expect(out).toEqual([new Uint8Array([4])]);
    const [, , recipients, options] = library.signAndEncryptMessage.mock.calls[0]!;
    expect(recipients).toHaveLength(2);
    expect(options).toEqual({ cipher: 'aes-256-gcm', oaep: true, opaque: false });
  });

  it.each([
    [['sign', 'm.eml', '--password', 'x'], 'smime: sign: --p12 is required'],
    [['sign', 'm.eml', '--p12', 'a.p12', '--password', 'x', '--to', 'b.pem'], 'smime: sign: unknown option --to'],
    [['encrypt', 'm.eml'], 'smime: encrypt: --to is required'],
    [['encrypt', 'm.eml', '--to', 'b.pem', '--opaque'], 'smime: encrypt: unknown option --opaque'],
    [['encrypt', 'm.eml', '--to', 'b.pem', '--cipher', 'des-ede3-cbc'], 'smime: encrypt: --cipher must be one of aes-256-gcm, aes-256-cbc, aes-128-cbc'],
    [['sign-encrypt', 'm.eml', '--p12', 'a.p12', '--password', 'x'], 'smime: sign-encrypt: --to is required'],
    [['sign', 'a.eml', 'b.eml'], 'smime: sign: expected [message.eml], got "a.eml" "b.eml"'],
  ])('usage error on %j', async (args, message) => {
    const result = await run(args);
    expect(result.status).toBe(2);
    expect(result.err).toBe(`${message}\nRun "smime --help" for usage.`);
  });

  it('reports a library failure on one line with exit 1', async () => {
    const library = fakeLibrary();
    library.encryptMessage.mockRejectedValue(new SmimeError('unsupported-algorithm', 'The recipient key type is not supported.'));
    const { io, out, err } = fakeIo('x');
    expect(await runSmime(['encrypt', '--to', file('bob.pem')], { library, io })).toBe(1);
    expect(err).toEqual(['smime: The recipient key type is not supported. (unsupported-algorithm)']);
    expect(out).toEqual([]);
  });
});

describe('smime p12, help, unknown commands', () => {
  it('prints the summary as JSON', async () => {
    const { status, out } = await run(['p12', file('me.p12'), '--password', 'right']);
    expect(status).toBe(0);
    expect(JSON.parse(out.join(''))).toEqual({ file: 'me.p12' });
  });

  it('needs the password', async () => {
    expect((await run(['p12', file('me.p12')])).err).toMatch(/^smime: p12: --password is required/);
  });

  it('prints usage on --help (exit 0), on no command (exit 2), and names an unknown command', async () => {
    const help = await run(['--help']);
    expect(help.status).toBe(0);
    expect(help.out.join('')).toMatch(/^Usage: smime <command>/);
    expect((await run(['sign', '--help'])).status).toBe(0);
    expect((await run([])).status).toBe(2);
    const unknown = await run(['frobnicate']);
    expect(unknown.status).toBe(2);
    expect(unknown.err).toMatch(/^smime: unknown command "frobnicate"/);
  });
});
