import { execFileSync } from 'node:child_process';
import path from 'node:path';

import { build } from 'esbuild';
import type { Page } from '@playwright/test';

// A smart-card reader for the browser under test: the CCID device simulator holding the PIV
// simulator (lib/webusb-token/simulator), bundled with esbuild and installed as navigator.usb by
// an init script, so the app's own WebUSB connector and CCID driver run unchanged in Chromium.

const ROOT = path.resolve(__dirname, '../..');

export interface FakeCardSlot {
  /** PIV key reference, e.g. 0x9c. */
  slot: number;
  /** PEM or DER files, converted to PKCS#8 / certificate DER with openssl. */
  keyFile: string;
  certFile: string;
}

const ENTRY = `
import { CcidDeviceSimulator } from './lib/webusb-token/simulator/ccid-device-simulator';
import { createPivSimulator } from './lib/webusb-token/simulator/piv-simulator';

const bytes = (b64) => Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));

export function install(config) {
  const slots = {};
  for (const s of config.slots) slots[s.slot] = { privateKeyPkcs8: bytes(s.key), certificateDer: bytes(s.cert) };
  const card = createPivSimulator({ pin: config.pin, slots });
  const device = new CcidDeviceSimulator({ level: 'short-apdu', card });
  Object.defineProperty(device, 'productName', { value: config.readerName });
  const usb = {
    requestDevice: async () => device,
    getDevices: async () => [device],
    addEventListener() {},
    removeEventListener() {},
  };
  Object.defineProperty(Navigator.prototype, 'usb', { get: () => usb, configurable: true });
}
`;

let bundle: Promise<string> | null = null;

function bundleSimulators(): Promise<string> {
  bundle ??= build({
    stdin: { contents: ENTRY, resolveDir: ROOT, loader: 'ts', sourcefile: 'fake-webusb-entry.ts' },
    bundle: true,
    format: 'iife',
    globalName: '__sealpostFakeUsb',
    platform: 'browser',
    target: 'es2022',
    write: false,
    logLevel: 'silent',
  }).then((result) => result.outputFiles[0]!.text);
  return bundle;
}

const der = (args: string[]) => execFileSync('openssl', args, { stdio: ['ignore', 'pipe', 'pipe'] }).toString('base64');

/** Gives `page` (before it loads) a reader named `readerName` holding a PIV card with these keys. */
export async function installFakeCardReader(page: Page, { slots, pin = '123456', readerName = 'Simulated CCID reader' }: { slots: FakeCardSlot[]; pin?: string; readerName?: string }): Promise<void> {
  const config = {
    pin,
    readerName,
    slots: slots.map((s) => ({
      slot: s.slot,
      key: der(['pkcs8', '-topk8', '-nocrypt', '-in', s.keyFile, '-outform', 'DER']),
      cert: der(['x509', '-in', s.certFile, '-outform', 'DER']),
    })),
  };
  await page.addInitScript({ content: `${await bundleSimulators()}\n__sealpostFakeUsb.install(${JSON.stringify(config)});` });
}
