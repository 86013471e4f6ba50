// The client and serveSmime over a real MessageChannel, with real keys from the test PKI (OpenSSL).
// Every message the worker side receives is recorded and searched for private key bytes.
import * as pkijs from 'pkijs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';

import {
  type Identity,
  type KeyOperations,
  type PkiFetchRequest,
  type TrustSettings,
  SmimeError,
  encryptMessage,
  readCertificates,
  readMessage,
  signMessage,
  softKeyFromPkcs8,
} from '@/lib/smime';
import { type IssuedCert, type TestPki, createTestPki } from '@/tests/support/test-pki';

import { createSmimeWorkerClient, type SmimeWorkerClient } from './client';
import { SmimeWorkerError } from './errors';
import type { SmimePhase } from './protocol';
import { serveSmime } from './serve-smime';
import { certificateDer } from './wire-form';
import type { WorkerLike } from './worker-session';

const CRL_URL = 'http://pki.test/root.crl';
const bytes = (text: string) => new TextEncoder().encode(text);
const text = (b: Uint8Array) => new TextDecoder().decode(b);

const PLAIN = bytes(
  [
    'From: Alice <alice@example.com>',
    'To: Bob <bob@example.org>, Carol <carol@example.net>',
    'Subject: Worker',
    'Date: Mon, 5 Jan 2026 10:00:00 +0000',
    'MIME-Version: 1.0',
    'Content-Type: multipart/mixed; boundary="mix"',
    '',
    '--mix',
    'Content-Type: text/plain; charset=utf-8',
    '',
    'Hello from the worker.',
    '--mix',
    'Content-Type: application/octet-stream',
    'Content-Disposition: attachment; filename="data.bin"',
    'Content-Transfer-Encoding: base64',
    '',
    'AAECAwQFBgcICQ==',
    '--mix--',
    '',
  ].join('\n'),
);

/** A test worker: serveSmime on one end of a MessageChannel, every message it receives recorded. */
interface ChannelWorker extends WorkerLike {
  crash(): void;
  terminated: boolean;
}

let pki: TestPki;
let people: Record<'alice' | 'bob' | 'carol', IssuedCert>;
let crl: Uint8Array;
/** What the worker side received, over every test of the file. */
const received: unknown[] = [];
const workers: ChannelWorker[] = [];
const clients: SmimeWorkerClient[] = [];

function channelWorker(): ChannelWorker {
  const { port1, port2 } = new MessageChannel();
  port2.addEventListener('message', (event) => received.push(event.data));
  const stop = serveSmime(port2);
  const errorListeners: ((event: Event) => void)[] = [];
  const worker: ChannelWorker = {
    terminated: false,
    postMessage: (message, transfer) => port1.postMessage(message, transfer),
    addEventListener: (type, listener) => {
      if (type === 'error') errorListeners.push(listener);
      else port1.addEventListener(type, listener as (event: MessageEvent) => void);
      port1.start();
    },
    terminate: () => {
      worker.terminated = true;
      stop();
      port1.close();
    },
    crash: () => {
      // What a Worker does when its script throws: an error event, then nothing more from it.
      stop();
      for (const listener of errorListeners) listener(new Event('error'));
    },
  };
  workers.push(worker);
  return worker;
}

function client(options: Parameters<typeof createSmimeWorkerClient>[0] = {}): SmimeWorkerClient {
  const made = createSmimeWorkerClient({ createWorker: channelWorker, ...options });
  clients.push(made);
  return made;
}

/** A soft key that counts its operations: they must all run here, on the caller's side. */
function countedKey(person: IssuedCert, calls: string[]): KeyOperations {
  const key = softKeyFromPkcs8(person.keyPkcs8);
  return {
    kind: key.kind,
    curve: key.curve,
    modulusBits: key.modulusBits,
    ...(key.sign ? { sign: (data, scheme) => (calls.push(`${person.name}:sign`), key.sign!(data, scheme)) } : {}),
    ...(key.decryptKeyTransport ? { decryptKeyTransport: (k, p) => (calls.push(`${person.name}:decrypt`), key.decryptKeyTransport!(k, p)) } : {}),
    ...(key.deriveSharedSecret ? { deriveSharedSecret: (o) => (calls.push(`${person.name}:derive`), key.deriveSharedSecret!(o)) } : {}),
  } satisfies KeyOperations;
}

const certificate = (person: IssuedCert) => readCertificates(person.certDer)[0]!;
const identity = (person: IssuedCert, calls: string[] = []): Identity => ({ certificate: certificate(person), key: countedKey(person, calls) });

function trust(fetches: PkiFetchRequest[] = []): TrustSettings {
  return {
    anchors: [certificate(pki.root)],
    revocation: 'soft-fail',
    now: new Date(),
    fetcher: {
      fetch: async (request) => {
        fetches.push(request);
        if (request.url === CRL_URL) return crl;
        throw new SmimeError('fetch-failed', `Nothing at ${request.url}.`);
      },
    },
  };
}

/** The same result, whichever thread computed it (revocation answers carry the time they were fetched). */
function comparable(result: Awaited<ReturnType<typeof readMessage>>) {
  const report: unknown = JSON.parse(JSON.stringify(result.report, (key, value: unknown) => (key === 'checkedAt' ? undefined : value)));
  return { report, plaintext: text(result.plaintext), certificates: result.certificates.map((c) => Array.from(certificateDer(c))) };
}

function containsSlice(haystack: Uint8Array, needle: Uint8Array): boolean {
  outer: for (let i = 0; i + needle.length <= haystack.length; i++) {
    for (let j = 0; j < needle.length; j++) if (haystack[i + j] !== needle[j]) continue outer;
    return true;
  }
  return false;
}

/** Every byte array and every CryptoKey anywhere in `value`. */
function walk(value: unknown, found: { arrays: Uint8Array[]; keys: number }, seen = new Set<unknown>()): void {
  if (value === null || typeof value !== 'object' || seen.has(value)) return;
  seen.add(value);
  if (value instanceof CryptoKey) found.keys++;
  else if (ArrayBuffer.isView(value)) found.arrays.push(new Uint8Array(value.buffer, value.byteOffset, value.byteLength));
  else if (value instanceof ArrayBuffer) found.arrays.push(new Uint8Array(value));
  else for (const inner of Object.values(value)) walk(inner, found, seen);
}

/** The secret numbers of a PKCS#8 key (the rest of it, an EC key's public point, is public). */
function privateParts(pkcs8: Uint8Array): Uint8Array[] {
  const key = pkijs.PrivateKeyInfo.fromBER(pkcs8.slice().buffer).parsedKey;
  if (key instanceof pkijs.RSAPrivateKey) return [key.privateExponent, key.prime1, key.prime2].map((n) => n.valueBlock.valueHexView);
  if (key instanceof pkijs.ECPrivateKey) return [key.privateKey.valueBlock.valueHexView];
  throw new Error('unexpected key type');
}

beforeAll(() => {
  pki = createTestPki('sealpost-smime-worker-');
  const crlDp = [`crlDistributionPoints = URI:${CRL_URL}`];
  people = {
    alice: pki.issue({ name: 'alice', key: 'rsa-2048', email: 'alice@example.com', extraExtensions: crlDp }),
    bob: pki.issue({ name: 'bob', key: 'rsa-2048', email: 'bob@example.org', extraExtensions: crlDp }),
    carol: pki.issue({ name: 'carol', key: 'p256', email: 'carol@example.net', extraExtensions: crlDp }),
  };
  crl = pki.crl(pki.root);
}, 60_000);

afterEach(() => {
  for (const made of clients.splice(0)) made.terminate();
  for (const worker of workers.splice(0)) if (!worker.terminated) worker.terminate();
});

afterAll(() => {
  // No private key ever reached the worker side: not as bytes (whole or any 16-byte piece of the
  // PKCS#8 body), not as a CryptoKey.
  expect(received.length).toBeGreaterThan(20);
  const found = { arrays: [] as Uint8Array[], keys: 0 };
  walk(received, found);
  expect(found.keys).toBe(0);
  expect(found.arrays.length).toBeGreaterThan(0);
  for (const person of Object.values(people)) {
    for (const secret of privateParts(person.keyPkcs8)) {
      expect(secret.length).toBeGreaterThanOrEqual(32);
      for (const start of [0, secret.length - 16]) {
        const piece = secret.subarray(start, start + 16);
        for (const array of found.arrays) expect(containsSlice(array, piece), `${person.name}'s private key`).toBe(false);
      }
    }
  }
  pki?.cleanup();
});

describe('createSmimeWorkerClient over a MessageChannel', () => {
  it('reads a signed message as lib/smime does, fetching the CRL through the caller', async () => {
    const signed = await signMessage(PLAIN, identity(people.alice));
    const fetches: PkiFetchRequest[] = [];
    const phases: SmimePhase[] = [];
    const viaWorker = await client().readMessage(signed, { identities: [], trust: trust(fetches) }, { onProgress: (p) => phases.push(p.phase) });
    const inThread = await readMessage(signed, { identities: [], trust: trust() });

    expect(viaWorker.report.signed).toBe(true);
    expect(viaWorker.report.signatures[0]!.chain).toBe('trusted');
    expect(viaWorker.report.signatures[0]!.revocation.status).toBe('good');
    expect(fetches.map((f) => f.url)).toContain(CRL_URL);
    expect(comparable(viaWorker)).toEqual(comparable(inThread));
    expect(viaWorker.certificates.length).toBeGreaterThan(0);
    expect(phases[0]).toBe('parsing');
    expect(phases).toEqual(expect.arrayContaining(['verifying', 'checking-certificate']));
  });

  it('reads an encrypted message: RSA key transport and ECDH run on the caller side only', async () => {
    const encrypted = await encryptMessage(PLAIN, [certificate(people.bob), certificate(people.carol)]);
    for (const person of [people.bob, people.carol]) {
      const calls: string[] = [];
      const phases: SmimePhase[] = [];
      const viaWorker = await client().readMessage(encrypted, { identities: [identity(person, calls)], trust: trust() }, { onProgress: (p) => phases.push(p.phase) });
      const inThread = await readMessage(encrypted, { identities: [identity(person)], trust: trust() });
      expect(calls).toEqual([`${person.name}:${person === people.bob ? 'decrypt' : 'derive'}`]);
      expect(viaWorker.report.encrypted).toBe(true);
      expect(viaWorker.report.errors).toEqual([]);
      expect(text(viaWorker.plaintext)).toContain('Hello from the worker.');
      expect(comparable(viaWorker)).toEqual(comparable(inThread));
      expect(phases).toContain('decrypting');
    }
  });

  it('signs (clear and opaque) with the caller key, and lib/smime verifies the result', async () => {
    const calls: string[] = [];
    const worker = client();
    for (const opaque of [false, true]) {
      const signed = await worker.signMessage(PLAIN, identity(people.alice, calls), { opaque, hash: 'SHA-384' });
      const read = await readMessage(signed, { identities: [], trust: trust() });
      expect(read.report.signed).toBe(true);
      expect(read.report.layers[0]!.kind).toBe(opaque ? 'opaque-signed' : 'clear-signed');
      expect(read.report.signatures[0]).toMatchObject({ intact: true, chain: 'trusted', fromMatchesSigner: true, algorithm: 'rsa-pkcs1-sha384' });
    }
    expect(calls).toEqual(['alice:sign', 'alice:sign']);
  });

  it('encrypts, and the recipient reads it in this thread', async () => {
    const encrypted = await client().encryptMessage(PLAIN, [certificate(people.bob)], { cipher: 'aes-128-gcm' });
    const read = await readMessage(encrypted, { identities: [identity(people.bob)], trust: trust() });
    expect(read.report).toMatchObject({ encrypted: true, contentCipher: 'aes-128-gcm', errors: [] });
    expect(text(read.plaintext)).toContain('Hello from the worker.');
  });

  it('signs and encrypts, reporting the phases in order, and names the encryption certificate', async () => {
    const phases: SmimePhase[] = [];
    const out = await client().signAndEncryptMessage(
      PLAIN,
      identity(people.alice),
      [certificate(people.bob), certificate(people.alice)],
      { signing: { encryptionCertificate: certificate(people.alice) }, encryption: { cipher: 'aes-256-cbc', rsaPadding: 'oaep' } },
      { onProgress: (p) => phases.push(p.phase) },
    );
    expect(phases).toEqual(['parsing', 'signing', 'encrypting']);
    const read = await readMessage(out, { identities: [identity(people.bob)], trust: trust() });
    expect(read.report).toMatchObject({ encrypted: true, signed: true, contentCipher: 'aes-256-cbc', keyTransport: 'rsa-oaep' });
    expect(read.report.signatures[0]).toMatchObject({ intact: true, chain: 'trusted' });
    expect(read.report.signatures[0]!.encryptionCertificate?.emails).toEqual(['alice@example.com']);
  });

  it('carries SmimeErrors across with their code and message', async () => {
    const worker = client();
    const sameAs = async (viaWorker: Promise<unknown>, inThread: Promise<unknown>) => {
      const [a, b] = await Promise.allSettled([viaWorker, inThread]);
      expect(a.status).toBe('rejected');
      const [ea, eb] = [(a as PromiseRejectedResult).reason, (b as PromiseRejectedResult).reason];
      expect(ea).toBeInstanceOf(SmimeError);
      expect({ code: ea.code, message: ea.message }).toEqual({ code: eb.code, message: eb.message });
      return ea as SmimeError;
    };
    expect((await sameAs(worker.encryptMessage(PLAIN, []), encryptMessage(PLAIN, []))).code).toBe('invalid-argument');
    const misspelt = { ciper: 'aes-128-gcm' } as never;
    expect((await sameAs(worker.encryptMessage(PLAIN, [certificate(people.bob)], misspelt), encryptMessage(PLAIN, [certificate(people.bob)], misspelt))).message).toContain(
      'ciper',
    );
    const removed: Identity = {
      certificate: certificate(people.alice),
      key: { kind: 'rsa', modulusBits: 2048, sign: async () => Promise.reject(new SmimeError('key-operation-failed', 'The card was removed.')) },
    };
    const error = await sameAs(worker.signMessage(PLAIN, removed), signMessage(PLAIN, removed));
    expect(error).toMatchObject({ code: 'key-operation-failed', message: 'The card was removed.' });
  });

  it('times out a worker that makes no progress, terminates it and starts a new one', async () => {
    const stuck: WorkerLike & { terminated: boolean } = { terminated: false, postMessage: () => {}, addEventListener: () => {}, terminate: () => void (stuck.terminated = true) };
    const made: string[] = [];
    const worker = client({ timeoutMs: 300, createWorker: () => (made.push('worker'), made.length === 1 ? stuck : channelWorker()) });
    const error = await worker.encryptMessage(PLAIN, [certificate(people.bob)]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SmimeWorkerError);
    expect(error).toMatchObject({ code: 'worker-timeout' });
    expect(stuck.terminated).toBe(true);
    const encrypted = await worker.encryptMessage(PLAIN, [certificate(people.bob)]);
    expect(made).toHaveLength(2);
    expect(text(encrypted)).toContain('application/pkcs7-mime');
  });

  it('does not count a key operation waiting on the user (a PIN prompt) against the timeout', async () => {
    const key = softKeyFromPkcs8(people.alice.keyPkcs8);
    const slowPin: Identity = {
      certificate: certificate(people.alice),
      key: { ...key, sign: async (data, scheme) => (await new Promise((r) => setTimeout(r, 2500)), key.sign!(data, scheme)) },
    };
    const signed = await client({ timeoutMs: 1000 }).signMessage(PLAIN, slowPin);
    expect((await readMessage(signed, { identities: [], trust: trust() })).report.signed).toBe(true);
  });

  it('aborts: at once when already aborted, and while waiting, ending the idle worker', async () => {
    const worker = client();
    const already = AbortSignal.abort();
    await expect(worker.signMessage(PLAIN, identity(people.alice), {}, { signal: already })).rejects.toMatchObject({ code: 'aborted' });
    expect(workers).toHaveLength(0);

    const controller = new AbortController();
    let asked!: () => void;
    const askedForPin = new Promise<void>((resolve) => (asked = resolve));
    const neverAnswered: Identity = { certificate: certificate(people.alice), key: { kind: 'rsa', modulusBits: 2048, sign: () => (asked(), new Promise(() => {})) } };
    const pending = worker.signMessage(PLAIN, neverAnswered, {}, { signal: controller.signal });
    await askedForPin;
    controller.abort(new Error('user closed the composer'));
    const error = await pending.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SmimeWorkerError);
    expect(error).toMatchObject({ code: 'aborted', cause: new Error('user closed the composer') });
    expect(workers[0]!.terminated).toBe(true);
  });

  it('aborting one of two calls cancels it in the worker and lets the other finish', async () => {
    const worker = client();
    const controller = new AbortController();
    const neverAnswered: Identity = { certificate: certificate(people.alice), key: { kind: 'rsa', modulusBits: 2048, sign: () => new Promise(() => {}) } };
    const aborted = worker.signMessage(PLAIN, neverAnswered, {}, { signal: controller.signal });
    const other = worker.signMessage(PLAIN, identity(people.alice));
    controller.abort();
    await expect(aborted).rejects.toMatchObject({ code: 'aborted' });
    expect(text(await other)).toContain('multipart/signed');
    expect(workers).toHaveLength(1);
    expect(workers[0]!.terminated).toBe(false);
    expect(received.some((m) => (m as { type: string }).type === 'cancel')).toBe(true);
  });

  it('rejects pending calls when the worker crashes, and the next call gets a new worker', async () => {
    const worker = client();
    let asked!: () => void;
    const askedForPin = new Promise<void>((resolve) => (asked = resolve));
    const neverAnswered: Identity = { certificate: certificate(people.alice), key: { kind: 'rsa', modulusBits: 2048, sign: () => (asked(), new Promise(() => {})) } };
    const pending = worker.signMessage(PLAIN, neverAnswered);
    await askedForPin;
    workers[0]!.crash();
    await expect(pending).rejects.toMatchObject({ name: 'SmimeWorkerError', code: 'worker-crashed' });
    expect(workers[0]!.terminated).toBe(true);
    expect(text(await worker.signMessage(PLAIN, identity(people.alice)))).toContain('multipart/signed');
    expect(workers).toHaveLength(2);
  });

  it('runs in this thread where there is no Worker, with the same phases', async () => {
    expect(typeof (globalThis as { Worker?: unknown }).Worker).toBe('undefined');
    const inThread = createSmimeWorkerClient();
    expect(inThread.usesWorker).toBe(false);
    const phases: SmimePhase[] = [];
    const out = await inThread.signAndEncryptMessage(PLAIN, identity(people.alice), [certificate(people.bob)], {}, { onProgress: (p) => phases.push(p.phase) });
    expect(phases).toEqual(['parsing', 'signing', 'encrypting']);
    expect((await readMessage(out, { identities: [identity(people.bob)], trust: trust() })).report.signed).toBe(true);
    expect(createSmimeWorkerClient({ createWorker: null }).usesWorker).toBe(false);
  });

  it('refuses unknown client options', () => {
    expect(() => createSmimeWorkerClient({ timeout: 5 } as never)).toThrow(/Unknown option "timeout"/);
    expect(() => createSmimeWorkerClient({ timeoutMs: 0 })).toThrow(SmimeError);
  });
});
