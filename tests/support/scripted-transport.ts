// An ApduTransport that plays a script: each expected command APDU (exact bytes) and the response
// to give. A command off the script fails the test, and so does a script left unfinished
// (assertDone). Responses may be computed from the command (a raw RSA operation, for example).
import { expect } from 'vitest';

import type { ApduTransport } from '@/lib/webusb-token/transport';

export type ScriptedResponse = Uint8Array | ((command: Uint8Array) => Uint8Array | Promise<Uint8Array>) | Error;

export interface ScriptStep {
  /** Exact command bytes, or a predicate for commands whose bytes are random (PSS salt). */
  command: Uint8Array | ((command: Uint8Array) => boolean);
  response: ScriptedResponse;
}

export const hex = (text: string): Uint8Array => {
  const clean = text.replace(/\s+/g, '');
  if (clean.length % 2 !== 0 || /[^0-9a-f]/i.test(clean)) throw new Error(`bad hex: ${text}`);
  return new Uint8Array(clean.match(/../g)?.map((b) => Number.parseInt(b, 16)) ?? []);
};

export const toHex = (bytes: Uint8Array): string => Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');

export class ScriptedTransport implements ApduTransport {
  readonly sent: Uint8Array[] = [];
  private readonly mismatches: string[] = [];
  private readonly steps: ScriptStep[];

  constructor(steps: ScriptStep[], readonly capabilities = { extendedLength: false }) {
    this.steps = [...steps];
  }

  /** Appends steps (for scripts built while the test runs). */
  expect(...steps: ScriptStep[]): this {
    this.steps.push(...steps);
    return this;
  }

  async transmit(command: Uint8Array): Promise<Uint8Array> {
    const copy = new Uint8Array(command);
    this.sent.push(copy);
    const step = this.steps.shift();
    if (!step) return this.offScript(`unexpected command after the script ended: ${toHex(copy)}`);
    if (typeof step.command === 'function') {
      if (!step.command(copy)) return this.offScript(`command ${toHex(copy)} does not match the script`);
    } else if (toHex(step.command) !== toHex(copy)) {
      return this.offScript(`unexpected command\n  got      ${toHex(copy)}\n  expected ${toHex(step.command)}`);
    }
    if (step.response instanceof Error) throw step.response;
    return typeof step.response === 'function' ? step.response(copy) : step.response;
  }

  async close(): Promise<void> {}

  /** Fails the test; also remembered, since the code under test may catch and wrap the throw. */
  private offScript(message: string): never {
    this.mismatches.push(message);
    expect.fail(message);
  }

  /** The whole script ran and nothing went off it. */
  assertDone(): void {
    expect(this.mismatches).toEqual([]);
    expect(this.steps.length, `script steps left: ${this.steps.length}`).toBe(0);
  }
}
