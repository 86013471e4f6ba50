// GnuPG's gpgsm as an independent S/MIME implementation for interop tests: a throwaway GNUPGHOME
// (no dirmngr, no CRL checks, loopback pinentry), its own gpg-agent, and CMS sign / verify /
// encrypt / decrypt. cleanup() stops that agent and waits until it is gone.
//
// What GnuPG 2.2.40 (Debian 12) can do, found with the tests in interop-harness.test.ts and by
// hand: RSA sign, verify, encrypt, decrypt; P-256 only verify. It cannot import an EC PKCS#12
// (gpgsm crashes), nor encrypt to a P-256 certificate ("Wrong key usage": no ECDH in 2.2). Its
// PKCS#12 reader refuses OpenSSL 3's default PBES2 with hmacWithSHA256: import files made with
// `pki.pkcs12(cert, password, { legacy: true })`. It cannot decrypt RSA-OAEP or AES-GCM
// (AuthEnvelopedData), and it rejects RSA-PSS with OpenSSL's default (maximum) salt length.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export interface GpgsmHome {
  dir: string;
  cleanup(): void;
}

export interface GpgsmVerifyResult {
  /** A GOODSIG and no BADSIG or ERRSIG, with a chain to a trusted root (TRUST_FULLY). */
  ok: boolean;
  /** The [GNUPG:] status lines, without the prefix: GOODSIG ..., VALIDSIG ..., TRUST_FULLY ... */
  status: string[];
  /** The signed content: the embedded one, or the detached content passed in. */
  content: Uint8Array;
}

interface ToolResult {
  status: number | null;
  stdout: Buffer;
  stderr: string;
}

let scratchCounter = 0;

function gpgTool(home: string, tool: string, args: string[], input?: Uint8Array | string): ToolResult {
  const result = spawnSync(tool, args, {
    input,
    env: { ...process.env, GNUPGHOME: home, LC_ALL: 'C' },
    maxBuffer: 256 * 1024 * 1024,
    timeout: 30_000,
  });
  if (result.error) throw result.error;
  return { status: result.status, stdout: result.stdout, stderr: result.stderr.toString() };
}

function gpgsm(home: string, args: string[], input?: Uint8Array | string): Buffer {
  const result = gpgTool(home, 'gpgsm', args, input);
  if (result.status !== 0) throw new Error(`gpgsm ${args.join(' ')} exited ${result.status}: ${result.stderr.trim()}`);
  return result.stdout;
}

function scratch(home: GpgsmHome, name: string, content?: Uint8Array): string {
  const file = path.join(home.dir, 'scratch', `${++scratchCounter}-${name}`);
  if (content) fs.writeFileSync(file, content);
  return file;
}

/** SHA-1 fingerprint, colon-free, as trustlist.txt wants it. */
function sha1Fingerprint(certPath: string): string {
  const result = spawnSync('openssl', ['x509', '-in', certPath, '-noout', '-fingerprint', '-sha1'], { encoding: 'utf8' });
  const match = /=([0-9A-F:]+)/.exec(result.stdout);
  if (!match) throw new Error(`no fingerprint for ${certPath}: ${result.stderr}`);
  return match[1]!.replaceAll(':', '');
}

/** A GNUPGHOME that trusts `trustedRoots` (PEM files) for S/MIME. */
export function createGpgsmHome(trustedRoots: string[]): GpgsmHome {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sealpost-gpgsm-'));
  fs.chmodSync(dir, 0o700);
  fs.mkdirSync(path.join(dir, 'scratch'));
  // No dirmngr and no CRL or policy checks: the tests are offline. batch + loopback: never a pinentry.
  fs.writeFileSync(path.join(dir, 'gpgsm.conf'), ['disable-dirmngr', 'disable-crl-checks', 'disable-policy-checks', 'batch', 'pinentry-mode loopback', ''].join('\n'));
  // Passphrases are preset per key after a PKCS#12 import, so sign and decrypt need none.
  fs.writeFileSync(path.join(dir, 'gpg-agent.conf'), ['allow-loopback-pinentry', 'allow-preset-passphrase', ''].join('\n'));
  // "S": a root for S/MIME; "relax": do not insist on a CRL for the root itself.
  fs.writeFileSync(path.join(dir, 'trustlist.txt'), trustedRoots.map((root) => `${sha1Fingerprint(root)} S relax\n`).join(''));
  const home: GpgsmHome = { dir, cleanup: () => removeGpgsmHome(dir) };
  for (const root of trustedRoots) gpgsmImport(home, root);
  return home;
}

/** Certificates (PEM or DER) into the keybox. */
export function gpgsmImport(home: GpgsmHome, certPath: string): void {
  gpgsm(home.dir, ['--import', certPath]);
}

/** A key and certificate from a PKCS#12 (legacy PBE: see the note at the top), its passphrase preset in the agent. */
export function gpgsmImportPkcs12(home: GpgsmHome, p12Path: string, password: string): void {
  const before = new Set(secretKeygrips(home));
  gpgsm(home.dir, ['--passphrase-fd', '0', '--import', p12Path], `${password}\n`);
  const presetTool = path.join(gpgTool(home.dir, 'gpgconf', ['--list-dirs', 'libexecdir']).stdout.toString().trim(), 'gpg-preset-passphrase');
  for (const keygrip of secretKeygrips(home).filter((grip) => !before.has(grip))) {
    const result = gpgTool(home.dir, presetTool, ['--preset', keygrip], `${password}\n`);
    if (result.status !== 0) throw new Error(`gpg-preset-passphrase failed: ${result.stderr.trim()}`);
  }
}

function secretKeygrips(home: GpgsmHome): string[] {
  const listing = gpgsm(home.dir, ['--list-secret-keys', '--with-colons', '--with-keygrip']).toString();
  return [...listing.matchAll(/^grp:+([0-9A-F]{40}):/gm)].map((match) => match[1]!);
}

/** SignedData (gpgsm --sign, or --detach-sign); signer by email or fingerprint. */
export function gpgsmSign(home: GpgsmHome, signer: string, content: Uint8Array, { detached }: { detached: boolean }): Uint8Array {
  const input = scratch(home, 'content', content);
  const output = scratch(home, 'signed.p7m');
  gpgsm(home.dir, ['--local-user', signer, '--output', output, detached ? '--detach-sign' : '--sign', input]);
  return new Uint8Array(fs.readFileSync(output));
}

/** Verifies SignedData; `content` for a detached signature. Never throws on a bad signature. */
export function gpgsmVerify(home: GpgsmHome, signature: Uint8Array, content?: Uint8Array): GpgsmVerifyResult {
  const input = scratch(home, 'signed.p7m', signature);
  const output = scratch(home, 'content');
  const args = content
    ? ['--status-fd', '1', '--verify', input, scratch(home, 'content', content)]
    : ['--status-fd', '1', '--output', output, '--verify', input];
  const result = gpgTool(home.dir, 'gpgsm', args);
  const status = result.stdout.toString().split('\n').filter((line) => line.startsWith('[GNUPG:] ')).map((line) => line.slice(9));
  const has = (keyword: string) => status.some((line) => line === keyword || line.startsWith(`${keyword} `));
  const ok = result.status === 0 && has('GOODSIG') && !has('BADSIG') && !has('ERRSIG') && has('TRUST_FULLY');
  return { ok, status, content: content ?? (fs.existsSync(output) ? new Uint8Array(fs.readFileSync(output)) : new Uint8Array(0)) };
}

/** EnvelopedData for recipients by email or fingerprint (their certificates must be imported). */
export function gpgsmEncrypt(home: GpgsmHome, recipients: string[], content: Uint8Array): Uint8Array {
  const input = scratch(home, 'content', content);
  const output = scratch(home, 'enveloped.p7m');
  gpgsm(home.dir, [...recipients.flatMap((recipient) => ['--recipient', recipient]), '--output', output, '--encrypt', input]);
  return new Uint8Array(fs.readFileSync(output));
}

/** Opens EnvelopedData with an imported key; throws when gpgsm cannot. */
export function gpgsmDecrypt(home: GpgsmHome, cms: Uint8Array): Uint8Array {
  const input = scratch(home, 'enveloped.p7m', cms);
  const output = scratch(home, 'content');
  gpgsm(home.dir, ['--output', output, '--decrypt', input]);
  return new Uint8Array(fs.readFileSync(output));
}

/** The pids of gpg-agents started for this home (gpgsm starts them as `gpg-agent --homedir DIR ...`). */
export function gpgAgentPids(dir: string): number[] {
  const pids: number[] = [];
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let argv: string[];
    try {
      argv = fs.readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0');
    } catch {
      continue; // exited while we looked
    }
    const homedir = argv.indexOf('--homedir');
    if (path.basename(argv[0] ?? '') === 'gpg-agent' && homedir !== -1 && argv[homedir + 1] === dir) pids.push(Number(entry));
  }
  return pids;
}

function removeGpgsmHome(dir: string): void {
  gpgTool(dir, 'gpgconf', ['--kill', 'all']);
  // gpgconf only asks the agent to stop; wait (bounded) so no process outlives the test.
  const deadline = Date.now() + 5000;
  while (gpgAgentPids(dir).length > 0 && Date.now() < deadline) spawnSync('sleep', ['0.05']);
  for (const pid of gpgAgentPids(dir)) process.kill(pid, 'SIGTERM');
  fs.rmSync(dir, { recursive: true, force: true });
}
