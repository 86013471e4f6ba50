// lib/smime's public face: what the webmail, the CLI and the benchmark import. Reading and
// writing whole messages with the real engine, keys and certificates, and the report types.
import type * as pkijs from 'pkijs';

import type { TrustSettings } from './certs/validate-certificate';
import { smimeWriteEngine, smimeReadEngine } from './engine';
import type { Identity } from './keys/key-operations';
import type { EncryptMessageOptions } from './message/write-message';
import { readMessage as readWith, type ReadResult } from './message/read-message';
import * as writer from './message/write-message';

export type { ReadResult } from './message/read-message';
export type { EncryptMessageOptions, SignAndEncryptOptions, SignMessageOptions } from './message/write-message';
export type { HeaderProtection } from './message/write-protected-headers';
export type { EncryptOptions } from './message/engine';
export type * from './report';
export type { Identity, KeyOperations } from './keys/key-operations';
export type { TrustSettings } from './certs/validate-certificate';
export type { PkiFetcher, PkiFetchRequest } from './certs/pki-fetcher';
export { SmimeError, isSmimeError, type SmimeErrorCode } from './errors';
export { softKey, softKeyFromPkcs8, describePkcs8 } from './keys/soft-key';
export { readCertificates } from './certs/read-certificates';
export { certificateEmails, sameCertificate, summarizeCertificate } from './certs/describe-certificate';
export { chooseSendCipher } from './cms/choose-send-cipher';
export { validateCertificate } from './certs/validate-certificate';
export { signingChain } from './certs/signing-chain';
export { readPkcs12, identitiesFromPkcs12 } from './pkcs12/read-pkcs12';
export { writePkcs12 } from './pkcs12/write-pkcs12';

/**
 * Reads a raw RFC 5322 message: every S/MIME layer opened and checked, and a report.
 * knownCertificates: certificates held locally, for signatures that do not carry their signer's.
 */
export function readMessage(raw: Uint8Array, context: { identities: Identity[]; trust: TrustSettings; knownCertificates?: pkijs.Certificate[] }): Promise<ReadResult> {
  return readWith(raw, { engine: smimeReadEngine, ...context });
}

export function signMessage(raw: Uint8Array, signer: Identity, options: writer.SignMessageOptions = {}): Promise<Uint8Array> {
  return writer.signMessage(raw, signer, options, smimeWriteEngine);
}

export function encryptMessage(raw: Uint8Array, recipients: pkijs.Certificate[], options: EncryptMessageOptions = {}): Promise<Uint8Array> {
  return writer.encryptMessage(raw, recipients, options, smimeWriteEngine);
}

export function signAndEncryptMessage(raw: Uint8Array, signer: Identity, recipients: pkijs.Certificate[], options: writer.SignAndEncryptOptions = {}): Promise<Uint8Array> {
  return writer.signAndEncryptMessage(raw, signer, recipients, options, smimeWriteEngine);
}
