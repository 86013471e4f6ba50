// Reading and writing PKCS#12 files for the keystore, as plain data that can cross a worker
// boundary (bytes and strings, no pkijs objects). Runs inside the PKCS#12 workers, and in the
// page's own thread where there is no Worker (Node tests).
import * as pkijs from 'pkijs';

import { identitiesFromPkcs12, isSmimeError, readPkcs12, summarizeCertificate, writePkcs12 } from '@/lib/smime';
import type { Pkcs8Description } from '@/lib/smime/keys/soft-key';
import { ownBuffer } from '@/lib/smime/web-crypto';

import { KeystoreError, type KeystoreErrorCode } from './errors';

/** A certificate found in the file, as the preview shows it. */
export interface Pkcs12PreviewCertificate {
  der: Uint8Array;
  subject: string;
  issuer: string;
  emails: string[];
  notBefore: string;
  notAfter: string;
  /** e.g. "rsa-2048", "ec-p256". */
  keyAlgorithm: string;
  isCa: boolean;
  /** The file holds this certificate's private key. */
  hasKey: boolean;
  friendlyName: string | null;
}

/** A private key with its certificate: what becomes a stored identity. */
export interface Pkcs12IdentityData {
  pkcs8: Uint8Array;
  description: Pkcs8Description;
  certificateDer: Uint8Array;
  /** Intermediates that issue it, found in the file (no root). */
  chainDers: Uint8Array[];
  friendlyName: string | null;
}

export interface Pkcs12FileContents {
  certificates: Pkcs12PreviewCertificate[];
  identities: Pkcs12IdentityData[];
  /** Private keys whose certificate is not in the file: they cannot be used and are not saved. */
  keysWithoutCertificate: number;
}

export interface Pkcs12ExportEntry {
  pkcs8: Uint8Array;
  certificateDer: Uint8Array;
  chainDers: Uint8Array[];
  friendlyName?: string;
}

const der = (certificate: pkijs.Certificate) => new Uint8Array(certificate.toSchema().toBER(false));
const parse = (bytes: Uint8Array) => pkijs.Certificate.fromBER(ownBuffer(bytes));

export async function readPkcs12File(bytes: Uint8Array, password: string): Promise<Pkcs12FileContents> {
  let contents;
  try {
    contents = await readPkcs12(bytes, password);
  } catch (error) {
    throw asKeystoreError(error);
  }
  const withKeys = identitiesFromPkcs12(contents);
  const keyCertificates = new Set(withKeys.map((identity) => identity.certificate));
  const certificates = await Promise.all(
    contents.certificates.map(async ({ certificate, der: certificateDer, friendlyName }) => {
      const summary = await summarizeCertificate(certificate);
      return {
        der: certificateDer,
        subject: summary.subject,
        issuer: summary.issuer,
        emails: summary.emails,
        notBefore: summary.notBefore,
        notAfter: summary.notAfter,
        keyAlgorithm: summary.keyAlgorithm,
        isCa: summary.isCa,
        hasKey: [...keyCertificates].some((c) => c === certificate),
        friendlyName,
      };
    }),
  );
  const identities = contents.keys.flatMap((key) => {
    const identity = withKeys.find((i) => i.certificate === key.certificate);
    if (!identity || !key.certificate) return [];
    return [{ pkcs8: key.pkcs8, description: key.description, certificateDer: der(key.certificate), chainDers: (identity.chain ?? []).map(der), friendlyName: key.friendlyName }];
  });
  return { certificates, identities, keysWithoutCertificate: contents.keys.length - identities.length };
}

export async function writePkcs12File(entries: Pkcs12ExportEntry[], password: string, iterations?: number): Promise<Uint8Array> {
  try {
    return await writePkcs12(
      entries.map((entry) => ({
        pkcs8: entry.pkcs8,
        certificate: parse(entry.certificateDer),
        chain: entry.chainDers.map(parse),
        ...(entry.friendlyName ? { friendlyName: entry.friendlyName } : {}),
      })),
      password,
      iterations === undefined ? {} : { iterations },
    );
  } catch (error) {
    throw asKeystoreError(error);
  }
}

/** lib/smime's codes as the keystore's, with messages for the person choosing the file. */
function asKeystoreError(error: unknown): KeystoreError {
  if (error instanceof KeystoreError) return error;
  if (isSmimeError(error)) {
    if (error.code === 'wrong-password') return new KeystoreError('wrong-password', 'The password is not right for this file.', { cause: error });
    if (error.code === 'invalid-argument') return new KeystoreError('invalid-argument', error.message, { cause: error });
    return new KeystoreError('unreadable-file', `This file cannot be read as a PKCS#12 (.p12 or .pfx) file. ${error.message}`, { cause: error });
  }
  return new KeystoreError('unreadable-file', 'This file cannot be read as a PKCS#12 (.p12 or .pfx) file.', { cause: error });
}

/** What crosses the worker boundary in place of an Error (structured clone drops the class). */
export interface WorkerFailure {
  code: KeystoreErrorCode;
  message: string;
}

export function toWorkerFailure(error: unknown): WorkerFailure {
  const keystoreError = asKeystoreError(error);
  return { code: keystoreError.code, message: keystoreError.message };
}
