import { describe, expect, it } from 'vitest';

import { isSmimeError } from '../errors';
import { sameCertificate } from './describe-certificate';
import { readCertificates } from './read-certificates';
import { certsOnly, makeTestCertificate, pem } from './test-certificate-factory';

const text = (s: string) => new TextEncoder().encode(s);
const alice = await makeTestCertificate({ subject: [{ type: '2.5.4.3', value: 'Alice' }], serial: 1 });
const bob = await makeTestCertificate({ subject: [{ type: '2.5.4.3', value: 'Bob' }], serial: 2, key: 'ed25519' });

const code = (run: () => unknown) => {
  try {
    run();
  } catch (error) {
    return isSmimeError(error) ? error.code : 'untyped';
  }
  return 'no error';
};

describe('readCertificates', () => {
  it('reads one DER certificate', () => {
    const [read] = readCertificates(alice.der);
    expect(sameCertificate(read!, alice.certificate)).toBe(true);
  });

  it.each([
    ['LF', '\n'],
    ['CRLF', '\r\n'],
    ['CR', '\r'],
  ])('reads a PEM bundle with %s line ends and text around the blocks', (_, lineEnd) => {
    const bundle = `Subject: Alice${lineEnd}${pem('CERTIFICATE', alice.der, lineEnd)}some words${lineEnd}${pem('PRIVATE KEY', new Uint8Array([1, 2]), lineEnd)}${pem('CERTIFICATE', bob.der, lineEnd)}`;
    const read = readCertificates(text(bundle));
    expect(read).toHaveLength(2);
    expect(sameCertificate(read[0]!, alice.certificate)).toBe(true);
    expect(sameCertificate(read[1]!, bob.certificate)).toBe(true);
  });

  it('reads certs-only PKCS#7, DER and PEM', () => {
    const p7 = certsOnly([alice.certificate, bob.certificate]);
    for (const input of [p7, text(pem('PKCS7', p7)), text(pem('CMS', p7))]) {
      const read = readCertificates(input);
      expect(read.map((c) => c.subject.typesAndValues[0]!.value.valueBlock.value)).toEqual(['Alice', 'Bob']);
    }
  });

  it('refuses what is not a certificate with malformed-certificate', () => {
    expect(code(() => readCertificates(new Uint8Array()))).toBe('malformed-certificate');
    expect(code(() => readCertificates(text('hello')))).toBe('malformed-certificate');
    expect(code(() => readCertificates(alice.der.subarray(0, 100)))).toBe('malformed-certificate');
    expect(code(() => readCertificates(new Uint8Array([...alice.der, 0])))).toBe('malformed-certificate');
    expect(code(() => readCertificates(text(pem('CERTIFICATE', alice.der).replace('M', '*'))))).toBe('malformed-certificate');
    expect(code(() => readCertificates(text(pem('PRIVATE KEY', alice.der))))).toBe('malformed-certificate');
    expect(code(() => readCertificates(certsOnly([])))).toBe('malformed-certificate');
    // A SEQUENCE that is not a certificate, and nesting past the depth cap.
    expect(code(() => readCertificates(new Uint8Array([0x30, 0x03, 0x02, 0x01, 0x05])))).toBe('malformed-certificate');
    let deep = new Uint8Array([0x05, 0x00]);
    for (let i = 0; i < 70; i++) {
      const length = deep.length < 128 ? [deep.length] : [0x81, deep.length];
      deep = new Uint8Array([0x30, ...length, ...deep]);
    }
    expect(code(() => readCertificates(deep))).toBe('limit-exceeded');
  });
});
