// Turning --p12/--password pairs and certificate files into what the library takes.
import type * as pkijs from 'pkijs';

import type { Identity } from '../../lib/smime/keys/key-operations';
import { InputError, readInputFile } from './cli-io';
import { UsageError } from './command-line';
import type { SmimeLibrary } from './smime-library';

/** Opens each PKCS#12 with its password: the n-th --password goes with the n-th --p12. */
export async function loadIdentities(library: SmimeLibrary, command: string, files: string[], passwords: string[]): Promise<Identity[]> {
  if (files.length !== passwords.length) {
    throw new UsageError(`${command}: give one --password for each --p12 (got ${files.length} --p12, ${passwords.length} --password)`);
  }
  const identities: Identity[] = [];
  for (const [index, file] of files.entries()) {
    const { identities: found } = await library.loadPkcs12(await readInputFile(file), passwords[index]!);
    if (found.length === 0) throw new InputError(`${file} holds no certificate with its private key`);
    identities.push(...found);
  }
  return identities;
}

/** The signer: exactly one identity from one PKCS#12. */
export async function loadSigner(library: SmimeLibrary, command: string, file: string, password: string): Promise<Identity> {
  const [signer, ...others] = await loadIdentities(library, command, [file], [password]);
  if (others.length > 0) throw new InputError(`${file} holds ${others.length + 1} keys; give a PKCS#12 with one signing identity`);
  return signer!;
}

/** Every certificate in each file (PEM, DER, .p7b); a file without one is an error. */
export async function loadCertificates(library: SmimeLibrary, files: string[]): Promise<pkijs.Certificate[]> {
  const certificates: pkijs.Certificate[] = [];
  for (const file of files) {
    const found = library.readCertificateFile(await readInputFile(file));
    if (found.length === 0) throw new InputError(`${file} holds no certificate`);
    certificates.push(...found);
  }
  return certificates;
}
