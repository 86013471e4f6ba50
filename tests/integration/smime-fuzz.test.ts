import fs from 'node:fs';

import * as pkijs from 'pkijs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { decryptEnvelope } from '@/lib/smime/cms/decrypt-envelope';
import { verifySignedData } from '@/lib/smime/cms/verify-signed-data';
import { readCertificates } from '@/lib/smime/certs/read-certificates';
import { isSmimeError, readMessage, readPkcs12, softKeyFromPkcs8, type TrustSettings } from '@/lib/smime';

import { mutate, seededRandom } from '../support/seeded-mutations';
import { createTestPki, type IssuedCert, openssl, type TestPki } from '../support/test-pki';

// Hostile input, seeded so any failure replays: thousands of mutated messages through the
// reader (what `smime inspect` runs) and mutated CMS, PKCS#12 and certificate blobs through the
// parsers. Each must end in a report or a SmimeError, within a time bound, without runaway memory.
const SEED = 20261123;
const MESSAGES = 5000;
const BLOBS = 3000;
const PER_INPUT_MS = 3000;
const ENTITY = 'Content-Type: multipart/alternative; boundary="b"\r\n\r\n--b\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nHello \u00e9\r\n--b\r\nContent-Type: text/html\r\n\r\n<p>Hello</p>\r\n--b--\r\n';

let pki: TestPki;
let alice: IssuedCert;
let bob: IssuedCert;
let seeds: { name: string; bytes: Uint8Array }[] = [];
/** CMS inside a message: the DER is mutated and wrapped again, so mutations reach past base64. */
let derSeeds: { name: string; der: Uint8Array; wrap: (der: Uint8Array) => Uint8Array }[] = [];
let blobs: { name: string; bytes: Uint8Array; parse: (bytes: Uint8Array) => Promise<unknown> }[] = [];
let trust: TrustSettings;

const certificate = (cert: IssuedCert) => pkijs.Certificate.fromBER(new Uint8Array(cert.certDer));
const write = (content: string | Uint8Array) => {
  const file = pki.file(`fuzz-${Math.random().toString(36).slice(2)}`);
  fs.writeFileSync(file, content);
  return file;
};
const cms = (args: string[], input: string | Uint8Array) => new Uint8Array(openssl(['cms', ...args, '-in', write(input)]));

beforeAll(() => {
  pki = createTestPki('sealpost-fuzz-');
  alice = pki.issue({ name: 'alice', email: 'alice@example.org' });
  bob = pki.issue({ name: 'bob', email: 'bob@example.org', key: 'p256' });
  const signed = cms(['-sign', '-signer', alice.certPath, '-inkey', alice.keyPath, '-from', 'alice@example.org', '-subject', 'fuzz'], ENTITY);
  const opaque = cms(['-sign', '-nodetach', '-signer', bob.certPath, '-inkey', bob.keyPath, '-from', 'bob@example.org'], ENTITY);
  const enveloped = cms(['-encrypt', '-recip', alice.certPath, '-recip', bob.certPath, '-aes-128-cbc'], ENTITY);
  const gcm = cms(['-encrypt', '-aes-256-gcm', '-recip', alice.certPath], ENTITY);
  const legacy = cms(['-encrypt', '-des3', '-recip', alice.certPath], ENTITY);
  const signedThenEncrypted = cms(['-encrypt', '-aes-256-cbc', '-recip', alice.certPath], Buffer.from(signed).toString('latin1').replace(/^(?:(?!content-)[^\r\n]*\r?\n)*/i, ''));
  seeds = [
    { name: 'clear-signed', bytes: signed },
    { name: 'opaque-signed', bytes: opaque },
    { name: 'enveloped', bytes: enveloped },
    { name: 'auth-enveloped', bytes: gcm },
    { name: '3des', bytes: legacy },
    { name: 'signed-then-encrypted', bytes: signedThenEncrypted },
  ];
  const der = (args: string[], input: string) => cms([...args, '-outform', 'DER', '-binary'], input);
  const base64 = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64').replace(/.{76}/g, '$&\r\n');
  const opaqueMessage = (smimeType: string) => (bytes: Uint8Array) =>
    new Uint8Array(Buffer.from(`From: alice@example.org\r\nMIME-Version: 1.0\r\nContent-Type: application/pkcs7-mime; smime-type=${smimeType}; name=smime.p7m\r\nContent-Transfer-Encoding: base64\r\n\r\n${base64(bytes)}\r\n`, 'latin1'));
  const detachedMessage = (bytes: Uint8Array) =>
    new Uint8Array(Buffer.from(`From: alice@example.org\r\nMIME-Version: 1.0\r\nContent-Type: multipart/signed; protocol="application/pkcs7-signature"; micalg=sha-256; boundary="s"\r\n\r\n--s\r\n${ENTITY}\r\n--s\r\nContent-Type: application/pkcs7-signature\r\nContent-Transfer-Encoding: base64\r\n\r\n${base64(bytes)}\r\n--s--\r\n`, 'latin1'));
  derSeeds = [
    { name: 'p7s', der: der(['-sign', '-signer', alice.certPath, '-inkey', alice.keyPath], ENTITY), wrap: detachedMessage },
    { name: 'signed-data', der: der(['-sign', '-nodetach', '-signer', bob.certPath, '-inkey', bob.keyPath], ENTITY), wrap: opaqueMessage('signed-data') },
    { name: 'enveloped-data', der: der(['-encrypt', '-aes-256-cbc', '-recip', alice.certPath, '-recip', bob.certPath], ENTITY), wrap: opaqueMessage('enveloped-data') },
    { name: 'authEnveloped-data', der: der(['-encrypt', '-aes-128-gcm', '-recip', alice.certPath], ENTITY), wrap: opaqueMessage('authEnveloped-data') },
  ];
  const identities = [{ certificate: certificate(alice), key: softKeyFromPkcs8(alice.keyPkcs8) }, { certificate: certificate(bob), key: softKeyFromPkcs8(bob.keyPkcs8) }];
  blobs = [
    { name: 'SignedData', bytes: der(['-sign', '-nodetach', '-signer', alice.certPath, '-inkey', alice.keyPath], ENTITY), parse: (b) => verifySignedData(b) },
    { name: 'EnvelopedData', bytes: der(['-encrypt', '-recip', alice.certPath, '-recip', bob.certPath, '-aes-256-cbc'], ENTITY), parse: (b) => decryptEnvelope(b, identities) },
    { name: 'AuthEnvelopedData', bytes: der(['-encrypt', '-aes-128-gcm', '-recip', alice.certPath], ENTITY), parse: (b) => decryptEnvelope(b, identities) },
    { name: 'PKCS#12', bytes: new Uint8Array(fs.readFileSync(pki.pkcs12(alice, 'pw', { legacy: true }))), parse: (b) => readPkcs12(b, 'pw') },
    { name: 'certificate', bytes: alice.certDer, parse: async (b) => readCertificates(b) },
  ];
  trust = { anchors: [certificate(pki.root)], revocation: 'off' };
}, 120_000);

afterAll(() => pki?.cleanup());

/** Runs `work`, failing the test on an untyped error or a run over the per-input bound. */
async function bounded(label: string, work: () => Promise<unknown>, outcomes: Map<string, number>): Promise<void> {
  const started = performance.now();
  try {
    await work();
    outcomes.set('done', (outcomes.get('done') ?? 0) + 1);
  } catch (error) {
    if (!isSmimeError(error)) throw new Error(`${label}: untyped ${(error as Error)?.name}: ${(error as Error)?.message}`, { cause: error });
    outcomes.set(error.code, (outcomes.get(error.code) ?? 0) + 1);
  }
  const elapsed = performance.now() - started;
  if (elapsed > PER_INPUT_MS) throw new Error(`${label} took ${Math.round(elapsed)} ms`);
}

describe('fuzz', () => {
  it(`${MESSAGES} mutated messages each end in a report`, async () => {
    const random = seededRandom(SEED);
    const outcomes = new Map<string, number>();
    const identities = [{ certificate: certificate(alice), key: softKeyFromPkcs8(alice.keyPkcs8) }, { certificate: certificate(bob), key: softKeyFromPkcs8(bob.keyPkcs8) }];
    const rssBefore = process.memoryUsage().rss;
    for (let i = 0; i < MESSAGES; i++) {
      // Alternately the message's bytes, and the CMS inside it (wrapped again in valid base64).
      const inner = i % 2 === 1 ? derSeeds[(i >> 1) % derSeeds.length]! : null;
      const seed = inner ?? seeds[(i >> 1) % seeds.length]!;
      const mutated = mutate(inner ? inner.der : seeds[(i >> 1) % seeds.length]!.bytes, random);
      const { applied } = mutated;
      const bytes = inner ? inner.wrap(mutated.bytes) : mutated.bytes;
      await bounded(`message #${i} (${seed.name}: ${applied.join(', ')})`, async () => {
        const { report } = await readMessage(bytes, { identities, trust });
        // A report, whatever it says: never a claim of "signed" with a broken signature.
        if (report.signed && report.signatures.some((s) => !s.intact)) throw new Error('signed with a broken signature');
        const state = report.errors.length ? `error:${report.errors[0]!.code}` : report.signed ? 'signed' : report.encrypted ? 'decrypted' : 'plain';
        outcomes.set(state, (outcomes.get(state) ?? 0) + 1);
      }, outcomes);
    }
    // The mutations reach past the parsers: some still decrypt, verify, or fail deep inside.
    for (const state of ['plain', 'decrypted', 'signed', 'error:malformed-asn1', 'error:decryption-failed']) expect(outcomes.get(state)).toBeGreaterThan(0);
    expect(outcomes.get('done')).toBe(MESSAGES);
    expect(process.memoryUsage().rss - rssBefore).toBeLessThan(1024 * 1024 * 1024);
  }, 600_000);

  it(`${BLOBS} mutated CMS, PKCS#12 and certificate blobs each end in a result or a SmimeError`, async () => {
    const random = seededRandom(SEED + 1);
    const outcomes = new Map<string, number>();
    for (let i = 0; i < BLOBS; i++) {
      const blob = blobs[i % blobs.length]!;
      const { bytes, applied } = mutate(blob.bytes, random);
      await bounded(`blob #${i} (${blob.name}: ${applied.join(', ')})`, () => blob.parse(bytes), outcomes);
    }
    // The mutations reach the typed failures, not only the happy path.
    expect([...outcomes.keys()].filter((code) => code !== 'done').length).toBeGreaterThan(2);
  }, 600_000);
});
