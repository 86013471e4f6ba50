// The S/MIME benchmark's one contract: the six operations an implementation offers, and the list
// of implementations it measures. Adding an implementation is one entry in IMPLEMENTATIONS (plus
// the file with its createOperations); OpenSSL, the reference, runs as processes and is not here.
// This file is bundled for Chromium too: nothing Node-only.
import { createOperations as createPkijsBaseline } from './pkijs-baseline';
import { createOperations as createSealpost } from './sealpost-operations';

/** DER certificates and PKCS#8 keys, as OpenSSL made them for this run. */
export interface BenchMaterial {
  /** alice: signs. */
  signer: { certificateDer: Uint8Array; pkcs8: Uint8Array };
  /** bob: the recipient, decrypts. */
  recipient: { certificateDer: Uint8Array; pkcs8: Uint8Array };
}

export interface Operations {
  /** CMS SignedData (DER), content detached, SHA-256, RSA PKCS#1 v1.5, signed attributes. */
  sign(content: Uint8Array): Promise<Uint8Array>;
  /** Verifies a detached SignedData over `content` (the signature only; no trust decision); throws unless valid. */
  verify(signed: Uint8Array, content: Uint8Array): Promise<void>;
  /** CMS EnvelopedData (DER), AES-256-CBC, RSA-OAEP (SHA-256) to the recipient. */
  encrypt(content: Uint8Array): Promise<Uint8Array>;
  /** Opens an EnvelopedData as the recipient: the content. */
  decrypt(der: Uint8Array): Promise<Uint8Array>;
  /** SignedData with the content inside (as `sign`), then enveloped (as `encrypt`). */
  signEncrypt(content: Uint8Array): Promise<Uint8Array>;
  /** The reverse of signEncrypt: decrypt, verify the SignedData inside, return its content; throws unless valid. */
  decryptVerify(der: Uint8Array): Promise<Uint8Array>;
}

export interface Implementation {
  /** Its name in the table and the JSON. */
  id: string;
  /** One line for the report. */
  description: string;
  createOperations(material: BenchMaterial): Promise<Operations>;
}

export const IMPLEMENTATIONS: readonly Implementation[] = [
  {
    id: 'sealpost',
    description: 'Sealpost engine (lib/smime/cms): own verification policy, own envelope code, soft keys',
    createOperations: createSealpost,
  },
  {
    id: 'pkijs-baseline',
    description: 'pkijs straight: SignedData.sign/verify and EnvelopedData.encrypt/decrypt as documented, on WebCrypto',
    createOperations: createPkijsBaseline,
  },
];

export const OPERATION_NAMES = ['sign', 'verify', 'encrypt', 'decrypt', 'signEncrypt', 'decryptVerify'] as const;
export type OperationName = (typeof OPERATION_NAMES)[number];

/** One size's bytes: the message and OpenSSL's CMS of it (the same input for every implementation). */
export interface SizeInputs {
  message: Uint8Array;
  signedDetached: Uint8Array;
  enveloped: Uint8Array;
  signedEnveloped: Uint8Array;
}

/** Each operation as a call with its input for this size. */
export function operationCalls(ops: Operations, inputs: SizeInputs): Record<OperationName, () => Promise<Uint8Array | void>> {
  return {
    sign: () => ops.sign(inputs.message),
    verify: () => ops.verify(inputs.signedDetached, inputs.message),
    encrypt: () => ops.encrypt(inputs.message),
    decrypt: () => ops.decrypt(inputs.enveloped),
    signEncrypt: () => ops.signEncrypt(inputs.message),
    decryptVerify: () => ops.decryptVerify(inputs.signedEnveloped),
  };
}

/**
 * Why an operation's output is wrong, or null. Decryption must give back the message; the CMS an
 * implementation writes is checked by OpenSSL afterwards (in Node) and must at least be there.
 */
export function outputProblem(name: OperationName, output: Uint8Array | void, inputs: SizeInputs): string | null {
  if (name === 'verify') return output === undefined ? null : 'verify returned a value';
  if (!(output instanceof Uint8Array) || output.length === 0) return `${name} gave no bytes`;
  if (name === 'decrypt' || name === 'decryptVerify') {
    if (output.length !== inputs.message.length) return `${name} gave ${output.length} bytes, not the message's ${inputs.message.length}`;
    for (let i = 0; i < output.length; i++) if (output[i] !== inputs.message[i]) return `${name} gave other bytes than the message (first at ${i})`;
  }
  return null;
}
