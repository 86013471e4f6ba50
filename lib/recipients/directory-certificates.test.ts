import { describe, expect, it } from 'vitest';

import { altNames, certsOnly, makeTestCertificate } from '../smime/certs/test-certificate-factory';
import { sameCertificate } from '../smime';
import { certificatesFromDirectoryAnswer } from './directory-certificates';

const cn = (value: string) => ({ type: '2.5.4.3', value }); // commonName

describe('certificatesFromDirectoryAnswer', () => {
  it('separates the certificates naming the address from the rest of a bundle, each once', async () => {
    const bob = await makeTestCertificate({ subject: [cn('Bob')], extensions: [altNames(['Bob@Example.ORG'])] });
    const ca = await makeTestCertificate({ subject: [cn('Issuing CA')], serial: 2 });
    const [result] = certificatesFromDirectoryAnswer([
      { email: 'bob@example.org', certificates: [bob.der], smimeBundles: [certsOnly([bob.certificate, ca.certificate])] },
    ]);
    expect(result!.email).toBe('bob@example.org');
    expect(result!.certificates).toHaveLength(1);
    expect(sameCertificate(result!.certificates[0]!, bob.certificate)).toBe(true);
    expect(result!.otherCertificates).toHaveLength(1);
    expect(sameCertificate(result!.otherCertificates[0]!, ca.certificate)).toBe(true);
    expect(result!.skipped).toEqual([]);
  });

  it('skips unreadable values with a reason and keeps the readable ones', async () => {
    const bob = await makeTestCertificate({ subject: [cn('Bob')], extensions: [altNames(['bob@example.org'])] });
    const [result] = certificatesFromDirectoryAnswer([
      { email: 'bob@example.org', certificates: [new Uint8Array(0), new Uint8Array([0x30, 0x03, 1, 2, 3]), bob.der], smimeBundles: [new Uint8Array([0xff])] },
    ]);
    expect(result!.certificates).toHaveLength(1);
    expect(result!.skipped).toHaveLength(3);
    expect(result!.skipped[0]).toBe('Directory certificate 1 of bob@example.org is empty or not base64.');
    expect(result!.skipped[1]).toMatch(/^Directory certificate 2 of bob@example.org was skipped: /);
    expect(result!.skipped[2]).toMatch(/^Directory S\/MIME bundle 1 of bob@example.org was skipped: /);
  });

  it('does not offer a certificate for another address as the recipient\'s', async () => {
    const mallory = await makeTestCertificate({ subject: [cn('Mallory')], extensions: [altNames(['mallory@example.org'])] });
    const [result] = certificatesFromDirectoryAnswer([{ email: 'bob@example.org', certificates: [mallory.der], smimeBundles: [] }]);
    expect(result!.certificates).toEqual([]);
    expect(result!.otherCertificates).toHaveLength(1);
  });
});
