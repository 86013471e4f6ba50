// Bundled (esbuild, as bench/smime does) into the page of tests/integration/smime-worker-chromium.test.ts:
// signs and encrypts a 5 MB message, in a real Web Worker or in the page's own thread, while a
// timer chain measures how late the page's main thread runs its timers.
import { type Identity, type KeyOperations, readCertificates, readMessage, softKeyFromPkcs8 } from '@/lib/smime';
import { type SmimePhase, createSmimeWorkerClient } from '@/lib/smime-worker';

export interface Material {
  root: string;
  alice: { certificate: string; pkcs8: string };
  bob: { certificate: string; pkcs8: string };
}

export interface RunResult {
  ms: number;
  /** The largest delay of a 5 ms timer beyond its due time while the operation ran. */
  maxLagMs: number;
  ticks: number;
  phases: SmimePhase[];
  signCallsInPage: number;
  outputBytes: number;
  /** The output read back in the page as bob: what lib/smime says about it. */
  readBack: { encrypted: boolean; signed: boolean; chain: string | undefined; attachmentBytes: number | undefined };
}

const ATTACHMENT_BYTES = 3_800_000; // base64 with line ends: a little over 5 MB of message

const fromBase64 = (text: string) => Uint8Array.from(atob(text), (c) => c.charCodeAt(0));

function base64Lines(bytes: Uint8Array): string {
  const lines: string[] = [];
  for (let i = 0; i < bytes.length; i += 57) lines.push(btoa(String.fromCharCode(...bytes.subarray(i, i + 57))));
  return lines.join('\r\n');
}

function bigMessage(): Uint8Array {
  const attachment = new Uint8Array(ATTACHMENT_BYTES);
  for (let i = 0; i < attachment.length; i += 65536) crypto.getRandomValues(attachment.subarray(i, i + 65536));
  const text = [
    'From: Alice <alice@example.com>',
    'To: Bob <bob@example.org>',
    'Subject: Five megabytes',
    'MIME-Version: 1.0',
    'Content-Type: multipart/mixed; boundary="b5"',
    '',
    '--b5',
    'Content-Type: text/plain; charset=utf-8',
    '',
    'The attachment is large.',
    '--b5',
    'Content-Type: application/octet-stream',
    'Content-Disposition: attachment; filename="big.bin"',
    'Content-Transfer-Encoding: base64',
    '',
    base64Lines(attachment),
    '--b5--',
    '',
  ].join('\r\n');
  return new TextEncoder().encode(text);
}

/** A chain of 5 ms timers; the largest lateness is how long the main thread was unavailable. */
function lagProbe(): { stop(): { maxLagMs: number; ticks: number } } {
  let maxLagMs = 0;
  let ticks = 0;
  let due = performance.now() + 5;
  let timer = setTimeout(function tick() {
    const now = performance.now();
    maxLagMs = Math.max(maxLagMs, now - due);
    ticks++;
    due = now + 5;
    timer = setTimeout(tick, 5);
  }, 5);
  return {
    stop() {
      clearTimeout(timer);
      // A timer still waiting past its due time is lateness too (a thread blocked throughout never ticks).
      return { maxLagMs: Math.max(maxLagMs, performance.now() - due), ticks };
    },
  };
}

async function run(mode: 'worker' | 'in-thread', material: Material): Promise<RunResult> {
  const certificate = (der: string) => readCertificates(fromBase64(der))[0]!;
  let signCallsInPage = 0;
  const aliceKey = softKeyFromPkcs8(fromBase64(material.alice.pkcs8));
  const countedKey: KeyOperations = { ...aliceKey, sign: (data, scheme) => (signCallsInPage++, aliceKey.sign!(data, scheme)) };
  const alice: Identity = { certificate: certificate(material.alice.certificate), key: countedKey };
  const bob: Identity = { certificate: certificate(material.bob.certificate), key: softKeyFromPkcs8(fromBase64(material.bob.pkcs8)) };
  const client = createSmimeWorkerClient({
    createWorker: mode === 'worker' ? () => new Worker('/smime-worker.js', { type: 'module' }) : null,
  });
  if (client.usesWorker !== (mode === 'worker')) throw new Error(`the client does not run ${mode}`);

  // Warm up (worker start, JIT) on a small message so the measurement is about the 5 MB.
  const small = new TextEncoder().encode('From: alice@example.com\r\nTo: bob@example.org\r\nSubject: warm\r\n\r\nwarm\r\n');
  await client.signAndEncryptMessage(small, alice, [bob.certificate]);
  signCallsInPage = 0;

  const raw = bigMessage();
  const phases: SmimePhase[] = [];
  const probe = lagProbe();
  const t0 = performance.now();
  const out = await client.signAndEncryptMessage(raw, alice, [bob.certificate, alice.certificate], {}, { onProgress: (p) => phases.push(p.phase) });
  const ms = performance.now() - t0;
  const { maxLagMs, ticks } = probe.stop();
  client.terminate();

  const read = await readMessage(out, { identities: [bob], trust: { anchors: [certificate(material.root)], revocation: 'off' } });
  return {
    ms,
    maxLagMs,
    ticks,
    phases,
    signCallsInPage,
    outputBytes: out.length,
    readBack: {
      encrypted: read.report.encrypted,
      signed: read.report.signed,
      chain: read.report.signatures[0]?.chain,
      attachmentBytes: read.report.attachments[0]?.size,
    },
  };
}

(globalThis as { smimeWorkerCheck?: { run: typeof run } }).smimeWorkerCheck = { run };
