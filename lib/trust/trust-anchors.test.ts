import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { pem } from '../smime/certs/test-certificate-factory';
import { type IssuedCert, type TestPki, createTestPki } from '../../tests/support/test-pki';

import { RootImportError, anchorFromDer, rootsFromFile } from './trust-anchors';

let pki: TestPki;
let intermediate: IssuedCert;
let person: IssuedCert;

beforeAll(() => {
  pki = createTestPki('sealpost-trust-anchors-');
  intermediate = pki.issue({ name: 'intermediate', ca: true });
  person = pki.issue({ name: 'person', email: 'person@example.test' });
});
afterAll(() => pki.cleanup());

const text = (s: string) => new TextEncoder().encode(s);

describe('rootsFromFile', () => {
  it('reads a DER root with its subject, fingerprint and validity', async () => {
    const [root] = await rootsFromFile(pki.root.certDer);
    expect(root!.der).toEqual(pki.root.certDer);
    expect(root!.summary.subject).toMatch(/Test Root CA/);
    expect(root!.summary.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(root!.summary.selfSigned).toBe(true);
    expect(Date.parse(root!.summary.notAfter)).toBeGreaterThan(Date.now());
  });

  it('reads every certificate of a PEM file', async () => {
    const roots = await rootsFromFile(text(`${pem('CERTIFICATE', pki.root.certDer)}${pem('CERTIFICATE', intermediate.certDer)}`));
    expect(roots.map((r) => r.der)).toEqual([pki.root.certDer, intermediate.certDer]);
  });

  it("refuses a person's certificate, naming it", async () => {
    await expect(rootsFromFile(person.certDer)).rejects.toThrow(/is not a certificate authority's certificate/);
    await expect(rootsFromFile(text(pem('CERTIFICATE', pki.root.certDer) + pem('CERTIFICATE', person.certDer)))).rejects.toBeInstanceOf(RootImportError);
  });

  it('refuses what is not a certificate, too large a file and too many certificates', async () => {
    await expect(rootsFromFile(text('hello'))).rejects.toThrow(RootImportError);
    await expect(rootsFromFile(new Uint8Array(1024 * 1024 + 1))).rejects.toThrow(/too large/);
    await expect(rootsFromFile(text(pem('CERTIFICATE', pki.root.certDer).repeat(21)))).rejects.toThrow(/holds 21 certificates/);
  });
});

describe('anchorFromDer', () => {
  it('reads one stored certificate', async () => {
    expect((await anchorFromDer(intermediate.certDer)).summary.isCa).toBe(true);
    await expect(anchorFromDer(new Uint8Array([1, 2, 3]))).rejects.toThrow();
  });
});
