// Bundled by browser-measure.mjs into the page (an IIFE): loads one operation's inputs from the
// local server and runs it when the driver asks, timing it with performance.now (fine-grained:
// the page is cross-origin isolated). The driver calls these through page.evaluate.
import { IMPLEMENTATIONS, type OperationName, operationCalls, outputProblem, type SizeInputs } from './operations';

const bytes = async (file: string) => {
  const response = await fetch(`/data/${file}`);
  if (!response.ok) throw new Error(`GET /data/${file}: ${response.status}`);
  return new Uint8Array(await response.arrayBuffer());
};
const inputsOf = async (label: string): Promise<SizeInputs> => ({
  message: await bytes(`${label}/message.txt`),
  signedDetached: await bytes(`${label}/signed-detached.der`),
  enveloped: await bytes(`${label}/enveloped.der`),
  signedEnveloped: await bytes(`${label}/signed-enveloped.der`),
});

let prepared: { warmUp: () => Promise<unknown>; call: () => Promise<Uint8Array | void>; inputs: SizeInputs; name: OperationName } | null = null;

let marker: Uint8Array | null = null;

const smimeBench = {
  async load(implementationId: string, size: string, name: OperationName): Promise<void> {
    const implementation = IMPLEMENTATIONS.find((i) => i.id === implementationId);
    if (!implementation) throw new Error(`no implementation "${implementationId}"`);
    const ops = await implementation.createOperations({
      signer: { certificateDer: await bytes('alice.cert.der'), pkcs8: await bytes('alice.pkcs8.der') },
      recipient: { certificateDer: await bytes('bob.cert.der'), pkcs8: await bytes('bob.pkcs8.der') },
    });
    const inputs = await inputsOf(size);
    prepared = { warmUp: operationCalls(ops, await inputsOf('warm-up'))[name], call: operationCalls(ops, inputs)[name], inputs, name };
  },
  async warmUp(): Promise<void> {
    await prepared!.warmUp();
  },
  async run(check: boolean): Promise<{ ms: number; problem: string | null }> {
    const { call, inputs, name } = prepared!;
    const t0 = performance.now();
    const output = await call();
    const ms = performance.now() - t0;
    return { ms, problem: check ? outputProblem(name, output, inputs) : null };
  },
  /** Holds `n` touched bytes (0 lets them go): the driver finds this page's renderer process by its RSS. */
  mark(n: number): number {
    marker = n ? new Uint8Array(n).fill(1) : null;
    return marker?.length ?? 0;
  },
};

(globalThis as { smimeBench?: typeof smimeBench }).smimeBench = smimeBench;
