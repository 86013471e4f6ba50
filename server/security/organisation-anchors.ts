import 'server-only';

import fs from 'node:fs';

import { readCertificates } from '@/lib/smime';

// The organisation's S/MIME roots (SEALPOST_TRUST_ANCHORS), relayed to the browser as DER. The
// server makes no trust decision with them; it only checks that the administrator's file holds
// readable certificates, so a broken bundle is an error in the log, not silently fewer roots.

const PEM_BLOCK = /-----BEGIN CERTIFICATE-----([\s\S]*?)-----END CERTIFICATE-----/g;

export class AnchorFileError extends Error {
  constructor(file: string, problem: string) {
    super(`SEALPOST_TRUST_ANCHORS (${file}): ${problem}`);
    this.name = 'AnchorFileError';
  }
}

/** Every certificate of a PEM bundle as DER, in file order; throws AnchorFileError naming the bad one. */
export function readAnchorBundle(pem: string, file: string): Buffer[] {
  const blocks = [...pem.matchAll(PEM_BLOCK)];
  if (blocks.length === 0) throw new AnchorFileError(file, 'holds no PEM certificate');
  return blocks.map((block, i) => {
    const der = Buffer.from(block[1]!.replace(/\s+/g, ''), 'base64');
    let count = 0;
    try {
      count = readCertificates(new Uint8Array(der)).length;
    } catch {
      count = 0;
    }
    if (count !== 1) throw new AnchorFileError(file, `certificate ${i + 1} of ${blocks.length} cannot be read`);
    return der;
  });
}

const CACHE = Symbol.for('sealpost.organisation-anchors');

/** The bundle of `file`, read once per process (like the rest of the configuration). */
export function organisationAnchors(file: string): Buffer[] {
  const g = globalThis as typeof globalThis & { [CACHE]?: { file: string; anchors: Buffer[] } };
  if (g[CACHE]?.file !== file) g[CACHE] = { file, anchors: readAnchorBundle(fs.readFileSync(file, 'utf8'), file) };
  return g[CACHE].anchors;
}
