// What the commands need from the library, as a type: main passes the real façade
// (./library.ts), tests pass a fake with the same shape.
import type * as library from './library';

export type SmimeLibrary = Pick<
  typeof library,
  'inspectMessage' | 'loadPkcs12' | 'readCertificateFile' | 'signMessage' | 'encryptMessage' | 'signAndEncryptMessage'
>;
