// The reference: `openssl cms` doing each operation with the same keys on the same message, timed
// as the wall time of the process(es) (spawn to exit), as a user of the command line would see it.
// Output goes to /dev/null (ours stays in memory); sign+encrypt and decrypt+verify are two
// processes through a temporary file. Peak memory is the process's maximum RSS from
// /usr/bin/time, minus that of `openssl version`; OpenSSL also checks the CMS our side wrote.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

import { OAEP_KEYOPTS } from './material.mjs';

const TIME = '/usr/bin/time';

/**
 * The openssl argument lists of each operation, run one after the other.
 * @param {Record<string, string>} files  material.files
 * @param {Record<string, string>} inputs material.sizes[label]
 * @param {string} scratch a file for the intermediate CMS of the two-step operations
 */
export function opensslCommands(files, inputs, scratch) {
  const sign = (attached, out) => ['cms', '-sign', '-binary', '-md', 'sha256', ...(attached ? ['-nodetach'] : []), '-in', inputs.message, '-signer', files.signerCert, '-inkey', files.signerKey, '-outform', 'DER', '-out', out];
  const encrypt = (input) => ['cms', '-encrypt', '-binary', '-aes-256-cbc', '-in', input, '-recip', files.recipientCert, ...OAEP_KEYOPTS, '-outform', 'DER', '-out', '/dev/null'];
  const decrypt = (input, out) => ['cms', '-decrypt', '-binary', '-inform', 'DER', '-in', input, '-recip', files.recipientCert, '-inkey', files.recipientKey, '-out', out];
  // -noverify: the signature and its attributes are checked, the signer's chain is not (as the
  // engine's verifySignedData, which makes no trust decision).
  const verify = (input, content) => ['cms', '-verify', '-binary', '-noverify', '-inform', 'DER', '-in', input, ...(content ? ['-content', content] : []), '-out', '/dev/null'];
  return {
    sign: [sign(false, '/dev/null')],
    verify: [verify(inputs.signedDetached, inputs.message)],
    encrypt: [encrypt(inputs.message)],
    decrypt: [decrypt(inputs.enveloped, '/dev/null')],
    signEncrypt: [sign(true, scratch), encrypt(scratch)],
    decryptVerify: [decrypt(inputs.signedEnveloped, scratch), verify(scratch)],
  };
}

function run(args) {
  const r = spawnSync('openssl', args, { stdio: ['ignore', 'ignore', 'pipe'], maxBuffer: 16 * 1024 * 1024 });
  if (r.error) throw r.error;
  if (r.status !== 0) throw new Error(`openssl ${args.slice(0, 2).join(' ')} failed (${r.status ?? r.signal}): ${r.stderr.toString().trim()}`);
}

/** Wall time of the commands in ms, one after the other. */
function timed(commands) {
  const t0 = process.hrtime.bigint();
  for (const args of commands) run(args);
  return Number(process.hrtime.bigint() - t0) / 1e6;
}

/** The largest maximum RSS (bytes) of the commands, from /usr/bin/time; null when it is not installed. */
function maxRss(commands, scratchDir) {
  if (!fs.existsSync(TIME)) return null;
  const out = path.join(scratchDir, 'time.out');
  let max = 0;
  for (const args of commands) {
    const r = spawnSync(TIME, ['-f', '%M', '-o', out, 'openssl', ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
    if (r.status !== 0) throw new Error(`openssl ${args.slice(0, 2).join(' ')} under ${TIME} failed: ${r.stderr.toString().trim()}`);
    max = Math.max(max, Number(fs.readFileSync(out, 'utf8').trim().split('\n').pop()) * 1024);
  }
  return max;
}

/** The fixed cost of an openssl process: `openssl version`, timed `repeats` times, and its RSS. */
export function opensslNoOp({ repeats, scratchDir }) {
  const commands = [['version']];
  const rss = maxRss(commands, scratchDir);
  timed(commands);
  return { ms: Array.from({ length: repeats }, () => timed(commands)), maxRssBytes: rss };
}

/**
 * One operation at one size: a first run under /usr/bin/time (its peak RSS; it also warms the page
 * cache), then `repeats` timed runs.
 */
export function measureOpenssl({ commands, repeats, scratchDir, noOpRssBytes }) {
  const rss = maxRss(commands, scratchDir);
  if (rss == null) timed(commands); // the warm-up the run under /usr/bin/time would have been
  const ms = Array.from({ length: repeats }, () => timed(commands));
  return { ms, maxRssBytes: rss, peakBytes: rss == null || noOpRssBytes == null ? null : Math.max(0, rss - noOpRssBytes) };
}

/**
 * OpenSSL reads what an implementation wrote in the checked run (node-runner.mjs left it beside
 * the inputs): its detached signature verifies over the message, its envelope and signed envelope
 * open to the message. Returns the problems found.
 */
export function crossCheck({ files, inputs, implementation, scratchDir }) {
  const dir = path.dirname(inputs.message);
  const written = (op) => path.join(dir, `${implementation}-${op}.der`);
  const message = fs.readFileSync(inputs.message);
  const problems = [];
  const attempt = (what, fn) => {
    try {
      fn();
    } catch (e) {
      problems.push(`${what}: ${e.message.split('\n')[0]}`);
    }
  };
  const opened = (input) => {
    const out = path.join(scratchDir, 'opened');
    run(['cms', '-decrypt', '-binary', '-inform', 'DER', '-in', input, '-recip', files.recipientCert, '-inkey', files.recipientKey, '-out', out]);
    return out;
  };
  const same = (file) => {
    if (!message.equals(fs.readFileSync(file))) throw new Error('the content differs from the message');
  };
  attempt('sign (openssl cms -verify)', () => run(['cms', '-verify', '-binary', '-CAfile', files.root, '-inform', 'DER', '-in', written('sign'), '-content', inputs.message, '-out', '/dev/null']));
  attempt('encrypt (openssl cms -decrypt)', () => same(opened(written('encrypt'))));
  attempt('signEncrypt (openssl cms -decrypt, -verify)', () => {
    const out = path.join(scratchDir, 'verified');
    run(['cms', '-verify', '-binary', '-CAfile', files.root, '-inform', 'DER', '-in', opened(written('signEncrypt')), '-out', out]);
    same(out);
  });
  for (const op of ['sign', 'encrypt', 'signEncrypt']) fs.rmSync(written(op), { force: true });
  return problems;
}
