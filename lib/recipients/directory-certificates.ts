// Recipients' certificates from the directory's answer (issue 5), read in the browser: the
// server only relays the values, so each is parsed here and a bad one is skipped with a reason.
// Nothing here decides trust: the certificates found are candidates for validateCertificate.
import type * as pkijs from 'pkijs';

import { certificateEmails, readCertificates, sameCertificate } from '../smime';
import type { DirectoryCertificateBytes } from '../api/directory-answer';

export interface DirectoryRecipientCertificates {
  email: string;
  /** Certificates that name the address: the candidates for encrypting to it (validate first). */
  certificates: pkijs.Certificate[];
  /** Every other certificate found (a bundle's issuing CA): path-building help, never an anchor. */
  otherCertificates: pkijs.Certificate[];
  /** One sentence per value that could not be read. */
  skipped: string[];
}

const sameAddress = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();

function readValue(bytes: Uint8Array, label: string, skipped: string[]): pkijs.Certificate[] {
  if (bytes.length === 0) {
    skipped.push(`${label} is empty or not base64.`);
    return [];
  }
  try {
    return readCertificates(bytes);
  } catch (error) {
    skipped.push(`${label} was skipped: ${error instanceof Error ? error.message : String(error)}`);
    return [];
  }
}

/** Each address's directory certificates, parsed; never throws on what the directory holds. */
export function certificatesFromDirectoryAnswer(answer: DirectoryCertificateBytes[]): DirectoryRecipientCertificates[] {
  return answer.map(({ email, certificates, smimeBundles }) => {
    const skipped: string[] = [];
    const found = [
      ...certificates.flatMap((bytes, i) => readValue(bytes, `Directory certificate ${i + 1} of ${email}`, skipped)),
      ...smimeBundles.flatMap((bytes, i) => readValue(bytes, `Directory S/MIME bundle ${i + 1} of ${email}`, skipped)),
    ];
    // The same certificate usually sits both in userCertificate and in the bundle.
    const unique = found.filter((c, i) => found.findIndex((d) => sameCertificate(c, d)) === i);
    const names = (c: pkijs.Certificate) => certificateEmails(c).some((e) => sameAddress(e, email));
    return { email, certificates: unique.filter(names), otherCertificates: unique.filter((c) => !names(c)), skipped };
  });
}
