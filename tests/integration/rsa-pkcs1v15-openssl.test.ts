import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { afterAll, describe, expect, it } from 'vitest';

import { rsaPrivateKeyFromPkcs8 } from '@/lib/smime/rsa/rsa-key';
import { rsaesPkcs1v15DecryptKey, rsaesPkcs1v15Encrypt } from '@/lib/smime/rsa/rsaes-pkcs1-v1_5';

// Our RSAES-PKCS1-v1_5 against an independent implementation, the machine's OpenSSL, both ways.
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sealpost-rsa-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
const file = (name: string) => path.join(dir, name);
const openssl = (...args: string[]) => execFileSync('openssl', args, { stdio: ['ignore', 'pipe', 'pipe'] });

describe.each([2048, 3072])('RSAES-PKCS1-v1_5 with OpenSSL, RSA-%i', (bits) => {
  openssl('genpkey', '-algorithm', 'RSA', '-pkeyopt', `rsa_keygen_bits:${bits}`, '-out', file(`key${bits}.pem`));
  // OpenSSL 3.0 writes DER keys as PKCS#1; the library reads PKCS#8 (what PKCS#12 files hold).
  openssl('pkcs8', '-topk8', '-nocrypt', '-in', file(`key${bits}.pem`), '-outform', 'DER', '-out', file(`key${bits}.der`));
  openssl('pkey', '-in', file(`key${bits}.pem`), '-pubout', '-out', file(`pub${bits}.pem`));
  const key = rsaPrivateKeyFromPkcs8(fs.readFileSync(file(`key${bits}.der`)));
  const cek = crypto.getRandomValues(new Uint8Array(32));

  it('decrypts what OpenSSL encrypted', () => {
    fs.writeFileSync(file('cek.bin'), cek);
    openssl('pkeyutl', '-encrypt', '-pubin', '-inkey', file(`pub${bits}.pem`), '-pkeyopt', 'rsa_padding_mode:pkcs1', '-in', file('cek.bin'), '-out', file('ct.bin'));
    expect(rsaesPkcs1v15DecryptKey(key, fs.readFileSync(file('ct.bin')), 32)).toEqual(cek);
  });

  it('encrypts what OpenSSL decrypts', () => {
    fs.writeFileSync(file('ours.bin'), rsaesPkcs1v15Encrypt(key, cek));
    const plain = openssl('pkeyutl', '-decrypt', '-inkey', file(`key${bits}.pem`), '-pkeyopt', 'rsa_padding_mode:pkcs1', '-in', file('ours.bin'));
    expect(new Uint8Array(plain)).toEqual(cek);
  });
});
