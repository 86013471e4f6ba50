import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

import { type Locator, type Page, expect } from '@playwright/test';

import { withTempDir } from './temp-dir';

// The S/MIME acceptance spec's helpers: the test stack's demo PKI (scripts/stack), importing a
// PKCS#12 through Settings as a user does, and OpenSSL's view of what the server really holds.
// Stack scripts are ES modules: loaded with import(), as in mailbox.ts.

export interface DemoUser {
  email: string;
  key: string;
  cert: string;
  p12: string;
  p12Password: string;
}

interface Manifest {
  users: Record<string, DemoUser>;
}

async function pkiDir(): Promise<string> {
  const { resolveInstance } = await import('../../scripts/stack/instance.mjs');
  return resolveInstance(process.env.SEALPOST_STACK_INSTANCE ?? 'test').dirs.pki as string;
}

/** A demo user's files in the stack's PKI (users/<name>.p12, password "<name>-p12"). */
export async function demoUser(name: string): Promise<DemoUser> {
  const dir = await pkiDir();
  const manifest = JSON.parse(fs.readFileSync(path.join(dir, 'manifest.json'), 'utf8')) as Manifest;
  const user = manifest.users[name];
  if (!user) throw new Error(`no demo user ${name} in ${dir}`);
  return user;
}

/** The demo PKI's trust anchors (root), for `openssl cms -verify`. */
export async function demoTrustAnchors(): Promise<string> {
  return path.join(await pkiDir(), 'trust-anchors.pem');
}

export async function openSettings(page: Page, tab: 'Your certificates' | "Contacts' certificates"): Promise<Locator> {
  await page.getByRole('banner').getByRole('button', { name: 'Settings' }).click();
  const dialog = page.getByRole('dialog', { name: 'Settings' });
  await dialog.getByRole('tab', { name: tab }).click();
  await expect(dialog.getByRole('tab', { name: tab })).toHaveAttribute('aria-selected', 'true');
  return dialog;
}

export async function closeSettings(page: Page): Promise<void> {
  const dialog = page.getByRole('dialog', { name: 'Settings' });
  await dialog.getByRole('button', { name: 'Close', exact: true }).last().click();
  await expect(dialog).toBeHidden();
}

/** Settings → Your certificates: reads the user's PKCS#12, checks the preview, saves it. */
export async function importOwnPkcs12(page: Page, user: DemoUser): Promise<void> {
  const dialog = await openSettings(page, 'Your certificates');
  const form = dialog.getByRole('form', { name: 'Import a PKCS#12 file' });
  await form.getByLabel('PKCS#12 file (.p12, .pfx)').setInputFiles(user.p12);
  await form.getByLabel('File password').fill(user.p12Password);
  await form.getByRole('button', { name: 'Read file' }).click();
  const preview = dialog.getByRole('region', { name: 'File contents' });
  await expect(preview.getByRole('listitem').filter({ hasText: '(with its private key)' })).toContainText(user.email);
  await preview.getByRole('button', { name: 'Save' }).click();
  await expect(dialog.getByRole('status', { name: 'Certificate notices' })).toHaveText('Saved 1 certificate with its private key.');
  await expect(dialog.getByRole('list', { name: 'Stored certificates' }).getByRole('listitem').filter({ hasText: user.email })).toHaveCount(1);
  await closeSettings(page);
}

/** The top-level Content-Type of a raw message (unfolded, parameters included), lower-cased. */
export function topContentType(raw: Buffer): string {
  const text = raw.toString('latin1');
  const end = text.search(/\r?\n\r?\n/);
  const header = (end < 0 ? text : text.slice(0, end)).replace(/\r?\n[ \t]+/g, ' ');
  const line = header.split(/\r?\n/).find((l) => /^content-type:/i.test(l));
  return (line ?? '').replace(/^content-type:\s*/i, '').toLowerCase();
}

/** `openssl cms -decrypt` of a whole message with a demo user's key: throws when it is not for them. */
export function opensslDecrypt(raw: Buffer, user: DemoUser): Buffer {
  return withTempDir((dir) => {
    const file = path.join(dir, 'message.eml');
    fs.writeFileSync(file, raw);
    // Large attachments decrypt to tens of MB: past execFileSync's 1 MB default.
    return execFileSync('openssl', ['cms', '-decrypt', '-in', file, '-inkey', user.key, '-recip', user.cert], { stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 128 * 1024 * 1024 });
  });
}

/** `openssl cms -verify` of a signed MIME entity against the demo root: returns the signed content. */
export function opensslVerify(entity: Buffer, anchors: string): Buffer {
  return withTempDir((dir) => {
    const file = path.join(dir, 'signed.eml');
    fs.writeFileSync(file, entity);
    return execFileSync('openssl', ['cms', '-verify', '-in', file, '-CAfile', anchors, '-purpose', 'smimesign'], { stdio: ['ignore', 'pipe', 'pipe'] });
  });
}

/** Whether `entity` holds `bytes` as one base64 body (line breaks aside): how an attachment is carried. */
export function holdsBase64(entity: Buffer, bytes: Buffer): boolean {
  return entity.toString('latin1').replace(/[\r\n]/g, '').includes(bytes.toString('base64'));
}
