import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

import { withTempFile } from './temp-dir';

// S/MIME mail made outside the app, by `openssl cms` with the test stack's demo PKI
// (scripts/stack/pki.mjs: alice, bob, carol valid, dave revoked, erin expired), so the reader is
// checked against an independent implementation. Stack scripts are ES modules: loaded with import().

export type DemoUser = 'alice' | 'bob' | 'carol' | 'dave' | 'erin';

interface Manifest {
  root: { cert: string };
  issuing: { cert: string };
  users: Record<string, { email: string; key: string; cert: string; p12: string; p12Password: string }>;
}

let cached: Manifest | null = null;

export async function demoPki(): Promise<Manifest> {
  if (cached) return cached;
  const { resolveInstance } = await import('../../scripts/stack/instance.mjs');
  // The instance's port base and state folder come from the environment (SEALPOST_STACK_*).
  const inst = resolveInstance(process.env.SEALPOST_STACK_INSTANCE ?? 'test');
  cached = JSON.parse(fs.readFileSync(path.join(inst.dirs.pki, 'manifest.json'), 'utf8')) as Manifest;
  return cached;
}

/** The demo user's PKCS#12 file and its password. */
export async function demoP12(user: DemoUser): Promise<{ file: string; password: string }> {
  const u = (await demoPki()).users[user]!;
  return { file: u.p12, password: u.p12Password };
}

export interface SignOptions {
  subject: string;
  /** The To address. */
  to: string;
  /** The From header; the signer's own address by default. */
  from?: string;
  /** application/pkcs7-mime signed-data instead of multipart/signed. */
  opaque?: boolean;
  /** openssl's digest name (sha256 by default, as openssl's own default). */
  md?: 'sha1' | 'sha256' | 'sha384' | 'sha512';
}

/** `openssl cms -sign` of a MIME entity by a demo user, with the issuing CA's certificate carried along. */
export async function opensslSign(signer: DemoUser, entity: string, { subject, to, from, opaque = false, md = 'sha256' }: SignOptions): Promise<Buffer> {
  const m = await demoPki();
  const user = m.users[signer]!;
  return withTempFile(entity, (file) =>
    execFileSync('openssl', [
      'cms', '-sign', '-in', file, '-signer', user.cert, '-inkey', user.key, '-certfile', m.issuing.cert, '-md', md,
      '-from', from ?? user.email, '-to', to, '-subject', subject,
      ...(opaque ? ['-nodetach'] : []),
    ]),
  );
}

/** `openssl cms -encrypt` (AES-256-CBC) of a MIME entity to a demo user's certificate. */
export async function opensslEncrypt(recipient: DemoUser, entity: string, { subject, from }: { subject: string; from: string }): Promise<Buffer> {
  const m = await demoPki();
  const user = m.users[recipient]!;
  return withTempFile(entity, (file) =>
    execFileSync('openssl', ['cms', '-encrypt', '-aes-256-cbc', '-in', file, '-from', from, '-to', user.email, '-subject', subject, user.cert]),
  );
}

/**
 * The message with its signed text changed: the first `find` replaced by `replacement` of the
 * same length. For an opaque-signed message the text is inside the base64 CMS, so that is
 * decoded, changed and encoded again (lines of 64, as OpenSSL writes).
 */
export function tamper(raw: Buffer, find: string, replacement: string): Buffer {
  if (find.length !== replacement.length || find === replacement) throw new Error('tamper changes bytes, never the length');
  const text = raw.toString('latin1');
  const split = text.search(/\r?\n\r?\n/);
  const head = text.slice(0, split);
  const gap = /\r?\n\r?\n/.exec(text.slice(split))![0];
  const body = text.slice(split + gap.length);
  if (body.includes(find)) return Buffer.from(head + gap + body.replace(find, replacement), 'latin1');
  const inner = Buffer.from(body.replace(/[^A-Za-z0-9+/=]/g, ''), 'base64').toString('latin1');
  if (!inner.includes(find)) throw new Error(`"${find}" is not in the message`);
  const changed = Buffer.from(inner.replace(find, replacement), 'latin1').toString('base64');
  const eol = gap.startsWith('\r') ? '\r\n' : '\n';
  return Buffer.from(head + gap + (changed.match(/.{1,64}/g) ?? []).join(eol) + eol, 'latin1');
}

/** The message with another header value (outside any signature of a clear-signed message). */
export function replaceHeader(raw: Buffer, name: string, value: string): Buffer {
  const text = raw.toString('latin1');
  const split = text.search(/\r?\n\r?\n/);
  const pattern = new RegExp(`^${name}:[^\\r\\n]*(\\r?\\n[ \\t][^\\r\\n]*)*`, 'im');
  if (!pattern.test(text.slice(0, split))) throw new Error(`no ${name} header`);
  return Buffer.from(text.slice(0, split).replace(pattern, `${name}: ${value}`) + text.slice(split), 'latin1');
}

/** A plain (unprotected) message, for the control cases next to a protected one. */
export function plainMessage({ from, to, subject, entity }: { from: string; to: string; subject: string; entity: string }): Buffer {
  return Buffer.from(`From: ${from}\r\nTo: ${to}\r\nSubject: ${subject}\r\nMIME-Version: 1.0\r\n${entity}`, 'utf8');
}

export const textEntity = (text: string) => `Content-Type: text/plain; charset=utf-8\r\n\r\n${text}\r\n`;
export const htmlEntity = (html: string) => `Content-Type: text/html; charset=utf-8\r\n\r\n${html}\r\n`;
