// One operation of one implementation at one size, in a process of its own (started by
// node-measure.mjs with --expose-gc): warm-up, the checked run with its peak RSS, the timed runs.
// Prints one JSON line. The checked run's output is written beside the inputs, so the parent can
// have OpenSSL read the CMS this implementation wrote.
//   node --expose-gc --import tsx bench/smime/node-runner.mts <material dir> <size> <implementation> <operation> <repeats>
import fs from 'node:fs';
import path from 'node:path';

import { measureOperation } from './measure-loop.mjs';
import { IMPLEMENTATIONS, OPERATION_NAMES, type OperationName, operationCalls, outputProblem, type SizeInputs } from './operations';
import { procMemory } from './proc-memory.mjs';

const [dir = '', size = '', implementationId = '', operation = '', repeatsText = ''] = process.argv.slice(2);
const implementation = IMPLEMENTATIONS.find((i) => i.id === implementationId);
if (!implementation) throw new Error(`no implementation "${implementationId}"`);
if (!(OPERATION_NAMES as readonly string[]).includes(operation)) throw new Error(`no operation "${operation}"`);
const name = operation as OperationName;
const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('run with --expose-gc');

/** A file's bytes in an ArrayBuffer of their own (Buffers may share a pool). */
const read = (file: string) => new Uint8Array(fs.readFileSync(file));
const inputsOf = (label: string): SizeInputs => ({
  message: read(path.join(dir, label, 'message.txt')),
  signedDetached: read(path.join(dir, label, 'signed-detached.der')),
  enveloped: read(path.join(dir, label, 'enveloped.der')),
  signedEnveloped: read(path.join(dir, label, 'signed-enveloped.der')),
});

const ops = await implementation.createOperations({
  signer: { certificateDer: read(path.join(dir, 'alice.cert.der')), pkcs8: read(path.join(dir, 'alice.pkcs8.der')) },
  recipient: { certificateDer: read(path.join(dir, 'bob.cert.der')), pkcs8: read(path.join(dir, 'bob.pkcs8.der')) },
});
const warmUpCall = operationCalls(ops, inputsOf('warm-up'))[name];
const inputs = inputsOf(size);
const call = operationCalls(ops, inputs)[name];

const result = await measureOperation({
  repeats: Number(repeatsText),
  warmUp: async () => {
    await warmUpCall();
  },
  run: async (check) => {
    const t0 = performance.now();
    const output = await call();
    const ms = performance.now() - t0;
    if (!check) return { ms, problem: null };
    if (output instanceof Uint8Array && !name.startsWith('decrypt')) fs.writeFileSync(path.join(dir, size, `${implementation.id}-${name}.der`), output);
    return { ms, problem: outputProblem(name, output, inputs) };
  },
  gc: async () => gc(),
  memory: procMemory(),
});
process.stdout.write(JSON.stringify(result) + '\n');
