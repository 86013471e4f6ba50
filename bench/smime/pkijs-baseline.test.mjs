// The baseline must do the real work, or its row means nothing: it opens and verifies what
// OpenSSL made, refuses a changed message, and reads back what it wrote. (That OpenSSL reads what
// it writes is checked in every benchmark run.)
import fs from 'node:fs';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { makeMaterial } from './material.mjs';
import { operationCalls, outputProblem } from './operations.ts';
import { createOperations } from './pkijs-baseline.ts';

let material;
let inputs;
let ops;
const read = (file) => new Uint8Array(fs.readFileSync(file));

beforeAll(async () => {
  material = makeMaterial({ sizes: [{ label: '100k', bytes: 100 * 1024 }] });
  const f = material.sizes['100k'];
  inputs = { message: read(f.message), signedDetached: read(f.signedDetached), enveloped: read(f.enveloped), signedEnveloped: read(f.signedEnveloped) };
  ops = await createOperations({
    signer: { certificateDer: read(material.files.signerCertDer), pkcs8: read(material.files.signerPkcs8) },
    recipient: { certificateDer: read(material.files.recipientCertDer), pkcs8: read(material.files.recipientPkcs8) },
  });
}, 120_000);
afterAll(() => material?.cleanup());

describe('pkijs baseline', () => {
  it("verifies and opens OpenSSL's CMS of the message", async () => {
    const calls = operationCalls(ops, inputs);
    for (const name of ['verify', 'decrypt', 'decryptVerify']) expect(outputProblem(name, await calls[name](), inputs), name).toBeNull();
  });
  it('refuses the signature over a changed message', async () => {
    const changed = inputs.message.slice();
    changed[5000] ^= 1;
    await expect(ops.verify(inputs.signedDetached, changed)).rejects.toThrow();
  });
  it('reads back what it writes', async () => {
    await ops.verify(await ops.sign(inputs.message), inputs.message);
    expect(outputProblem('decrypt', await ops.decrypt(await ops.encrypt(inputs.message)), inputs)).toBeNull();
    expect(outputProblem('decryptVerify', await ops.decryptVerify(await ops.signEncrypt(inputs.message)), inputs)).toBeNull();
  });
});
