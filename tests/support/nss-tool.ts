// NSS (cmsutil, certutil, pk12util) as an independent S/MIME implementation for interop tests:
// a throwaway certificate database and CMS sign / verify / encrypt / decrypt through cmsutil.
// Nicknames: pk12util names an imported key after the PKCS#12's friendlyName, so make the file
// with `pki.pkcs12(cert, password, { friendlyName })`; cmsutil -E also finds recipients by email.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export interface NssDb {
  dir: string;
  /** The -d argument: the SQLite database format. */
  spec: string;
  cleanup(): void;
}

export interface NssSignerStatus {
  /** cmsutil's signer id (the certificate's common name). */
  id: string;
  /** GoodSignature, BadSignature, DigestMismatch, SigningCertNotFound, SigningCertNotTrusted, ... */
  status: string;
}

export interface NssVerifyResult {
  /** At least one signer, all with GoodSignature (cmsutil itself exits 0 on a digest mismatch). */
  ok: boolean;
  signers: NssSignerStatus[];
  /** The signed content: the embedded one, or the detached content passed in. */
  content: Uint8Array;
}

let scratchCounter = 0;

function run(tool: string, args: string[], input?: Uint8Array | string): Buffer {
  const result = spawnSync(tool, args, { input, maxBuffer: 256 * 1024 * 1024, timeout: 30_000 });
  if (result.error) throw result.error;
  if (result.status !== 0) {
    throw new Error(`${tool} ${args.join(' ')} exited ${result.status ?? result.signal}: ${result.stderr.toString().trim()}`);
  }
  return result.stdout;
}

/** A scratch file inside the database folder, for cmsutil's -i / -c / -o. */
function scratch(db: NssDb, name: string, content?: Uint8Array): string {
  const file = path.join(db.dir, `${++scratchCounter}-${name}`);
  if (content) fs.writeFileSync(file, content);
  return file;
}

/** An empty database with no password (certutil -N --empty-password). */
export function createNssDb(): NssDb {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sealpost-nss-'));
  const db: NssDb = { dir, spec: `sql:${dir}`, cleanup: () => fs.rmSync(dir, { recursive: true, force: true }) };
  run('certutil', ['-N', '--empty-password', '-d', db.spec]);
  return db;
}

/** A CA certificate (PEM or DER file) trusted to issue S/MIME, TLS and code-signing certificates. */
export function nssTrustCa(db: NssDb, certPath: string, nickname: string): void {
  run('certutil', ['-A', '-d', db.spec, '-n', nickname, '-t', 'C,C,C', '-i', certPath]);
}

/** A certificate without trust of its own: a recipient, or an intermediate. */
export function nssImportCertificate(db: NssDb, certPath: string, nickname: string): void {
  run('certutil', ['-A', '-d', db.spec, '-n', nickname, '-t', ',,', '-i', certPath]);
}

/** A key and its certificate; the nickname is the file's friendlyName. */
export function nssImportPkcs12(db: NssDb, p12Path: string, password: string): void {
  run('pk12util', ['-i', p12Path, '-W', password, '-d', db.spec]);
}

/** SignedData over `content` with SHA-256; detached leaves eContent out (cmsutil -T). */
export function nssSign(db: NssDb, nickname: string, content: Uint8Array, { detached }: { detached: boolean }): Uint8Array {
  const input = scratch(db, 'content', content);
  const output = scratch(db, 'signed.p7m');
  run('cmsutil', ['-S', '-d', db.spec, '-N', nickname, '-i', input, '-o', output, ...(detached ? ['-T'] : [])]);
  return new Uint8Array(fs.readFileSync(output));
}

/** Verifies SignedData against the database's trust; `content` for a detached signature. */
export function nssVerify(db: NssDb, cms: Uint8Array, content?: Uint8Array): NssVerifyResult {
  const input = scratch(db, 'signed.p7m', cms);
  const detached = content ? ['-c', scratch(db, 'content', content)] : [];
  const headers = run('cmsutil', ['-D', '-d', db.spec, '-i', input, ...detached, '-n', '-h', '1']).toString('latin1');
  const signers = [...headers.matchAll(/signer(\d+)\.id="([^"]*)"; signer\1\.status=(\w+);/g)].map((match) => ({ id: match[2]!, status: match[3]! }));
  const decoded = content ?? new Uint8Array(run('cmsutil', ['-D', '-d', db.spec, '-i', input]));
  return { ok: signers.length > 0 && signers.every((signer) => signer.status === 'GoodSignature'), signers, content: decoded };
}

/** EnvelopedData for recipients named by nickname or email (their certificates must be in the database). */
export function nssEncrypt(db: NssDb, recipients: string[], content: Uint8Array): Uint8Array {
  const input = scratch(db, 'content', content);
  const output = scratch(db, 'enveloped.p7m');
  run('cmsutil', ['-E', '-d', db.spec, '-r', recipients.join(','), '-i', input, '-o', output]);
  return new Uint8Array(fs.readFileSync(output));
}

/** Opens EnvelopedData with a key in the database; throws when cmsutil cannot. */
export function nssDecrypt(db: NssDb, cms: Uint8Array): Uint8Array {
  const input = scratch(db, 'enveloped.p7m', cms);
  const output = scratch(db, 'content');
  run('cmsutil', ['-D', '-d', db.spec, '-i', input, '-o', output]);
  return new Uint8Array(fs.readFileSync(output));
}
