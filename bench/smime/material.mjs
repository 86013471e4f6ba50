// What the S/MIME benchmark works on, made at run time in a temporary folder (never committed):
// RSA-2048 keys and certificates made by OpenSSL (a root, "alice" who signs, "bob" who receives),
// text MIME entities of the chosen sizes, and for each size the CMS that OpenSSL makes of it,
// which every implementation then verifies and decrypts (the same bytes for all).
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { prng } from '../../scripts/stack/prng.mjs';

/** RSA-OAEP with SHA-256 for key transport: WebCrypto (so the pkijs baseline) has no PKCS#1 v1.5. */
export const OAEP_KEYOPTS = ['-keyopt', 'rsa_padding_mode:oaep', '-keyopt', 'rsa_oaep_md:sha256'];

const UNITS = { k: 1024, m: 1024 * 1024 };
/** The small message every measurement warms up on before its real size. */
export const WARM_UP = { label: 'warm-up', bytes: 2048 };

/** "10k,1m,25m" -> [{ label: '10k', bytes: 10240 }, …]; throws on anything else. */
export function parseSizes(text) {
  return text.split(',').map((raw) => {
    const label = raw.trim().toLowerCase();
    const m = /^(\d+)([km])$/.exec(label);
    if (!m || Number(m[1]) < 1) throw new Error(`a size is a whole number with k or m (10k, 1m, 25m), not "${raw}"`);
    const bytes = Number(m[1]) * UNITS[m[2]];
    if (bytes > 256 * UNITS.m) throw new Error(`sizes stop at 256m, not "${raw}"`);
    return { label, bytes };
  });
}

const WORDS = 'the of and to in is that for it as was with be by on not he this are or his from at which but have an they you were her she there one all we their can has been if more when will would who so no'.split(' ');
const HEADER = 'Content-Type: text/plain; charset=us-ascii\r\nContent-Transfer-Encoding: 7bit\r\n\r\n';
const LINE = 76;

/**
 * A text/plain MIME entity of exactly `bytes` bytes: headers, then lines of random words of at
 * most 76 characters, each ending in CRLF (7bit, so every implementation signs the same bytes
 * with no canonicalization in play).
 */
export function textMessage(bytes, seed = 1) {
  if (bytes < HEADER.length + 3) throw new Error(`a message has at least ${HEADER.length + 3} bytes`);
  const out = Buffer.alloc(bytes);
  let at = out.write(HEADER, 'latin1');
  const next = prng(seed);
  while (at < bytes) {
    const room = bytes - at;
    let line = '';
    const width = Math.min(LINE, room - 2);
    while (line.length < width) {
      const word = WORDS[Math.floor(next() * WORDS.length)];
      const add = line ? ` ${word}` : word;
      if (line.length + add.length > width) break;
      line += add;
    }
    // A line that would leave no room for another fills the message exactly (dots as padding),
    // so the message ends with a whole line and its CRLF.
    if (room - line.length - 2 < 3) line = line.padEnd(room - 2, '.');
    at += out.write(`${line}\r\n`, at, 'latin1');
  }
  return out;
}

const openssl = (args, input) => execFileSync('openssl', args, { input, stdio: ['pipe', 'pipe', 'pipe'], maxBuffer: 1024 * 1024 * 1024 });

/**
 * The key material and the messages in a new temporary folder.
 * @param {{ sizes: { label: string, bytes: number }[], log?: (line: string) => void }} o
 * @returns {{ dir: string, files: Record<string, string>, sizes: Record<string, Record<string, string>>, cleanup(): void }}
 */
export function makeMaterial({ sizes, log = () => {} }) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sealpost-smime-bench-'));
  try {
    const file = (name) => path.join(dir, name);
    const ext = file('ext.cnf');
    const user = (name) => [
      `[${name}]`, 'basicConstraints = critical, CA:FALSE', 'keyUsage = critical, digitalSignature, nonRepudiation, keyEncipherment',
      'extendedKeyUsage = emailProtection', 'subjectKeyIdentifier = hash', 'authorityKeyIdentifier = keyid', `subjectAltName = email:${name}@bench.example`,
    ];
    fs.writeFileSync(ext, [
      '[root]', 'basicConstraints = critical, CA:TRUE', 'keyUsage = critical, keyCertSign, cRLSign', 'subjectKeyIdentifier = hash',
      ...user('alice'), ...user('bob'), '',
    ].join('\n'));
    const key = (name) => {
      openssl(['genpkey', '-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:2048', '-out', file(`${name}.key`)]);
      openssl(['pkcs8', '-topk8', '-nocrypt', '-in', file(`${name}.key`), '-outform', 'DER', '-out', file(`${name}.pkcs8.der`)]);
    };
    key('root');
    openssl(['req', '-new', '-x509', '-key', file('root.key'), '-subj', '/CN=Sealpost Bench Root', '-days', '2', '-sha256', '-set_serial', '1', '-config', ext, '-extensions', 'root', '-out', file('root.pem')]);
    for (const [name, serial] of [['alice', 2], ['bob', 3]]) {
      key(name);
      openssl(['req', '-new', '-key', file(`${name}.key`), '-subj', `/CN=${name}/emailAddress=${name}@bench.example`, '-out', file(`${name}.csr`)]);
      openssl(['x509', '-req', '-in', file(`${name}.csr`), '-CA', file('root.pem'), '-CAkey', file('root.key'), '-set_serial', String(serial), '-days', '2', '-sha256', '-extfile', ext, '-extensions', name, '-out', file(`${name}.pem`)]);
      openssl(['x509', '-in', file(`${name}.pem`), '-outform', 'DER', '-out', file(`${name}.cert.der`)]);
    }
    const files = {
      root: file('root.pem'),
      signerCert: file('alice.pem'),
      signerKey: file('alice.key'),
      signerCertDer: file('alice.cert.der'),
      signerPkcs8: file('alice.pkcs8.der'),
      recipientCert: file('bob.pem'),
      recipientKey: file('bob.key'),
      recipientCertDer: file('bob.cert.der'),
      recipientPkcs8: file('bob.pkcs8.der'),
    };

    const bySize = {};
    for (const { label, bytes } of [WARM_UP, ...sizes]) {
      const d = file(label);
      fs.mkdirSync(d);
      const f = {
        message: path.join(d, 'message.txt'),
        signedDetached: path.join(d, 'signed-detached.der'),
        signedAttached: path.join(d, 'signed-attached.der'),
        enveloped: path.join(d, 'enveloped.der'),
        signedEnveloped: path.join(d, 'signed-enveloped.der'),
      };
      fs.writeFileSync(f.message, textMessage(bytes));
      const sign = (out, attached) => openssl(['cms', '-sign', '-binary', '-md', 'sha256', ...(attached ? ['-nodetach'] : []), '-in', f.message, '-signer', files.signerCert, '-inkey', files.signerKey, '-outform', 'DER', '-out', out]);
      const encrypt = (input, out) => openssl(['cms', '-encrypt', '-binary', '-aes-256-cbc', '-in', input, '-recip', files.recipientCert, ...OAEP_KEYOPTS, '-outform', 'DER', '-out', out]);
      sign(f.signedDetached, false);
      sign(f.signedAttached, true);
      encrypt(f.message, f.enveloped);
      encrypt(f.signedAttached, f.signedEnveloped);
      fs.rmSync(f.signedAttached);
      delete f.signedAttached;
      bySize[label] = f;
      if (label !== WARM_UP.label) log(`  ${label}: ${bytes} bytes of text/plain, and OpenSSL's signature, envelope and signed envelope of it`);
    }
    return { dir, files, sizes: bySize, cleanup: () => fs.rmSync(dir, { recursive: true, force: true }) };
  } catch (e) {
    fs.rmSync(dir, { recursive: true, force: true });
    throw e;
  }
}
