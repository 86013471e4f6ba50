// The one place the CLI meets lib/smime. Each function is a thin call into the library; the
// commands receive this module as an object (SmimeLibrary) so their tests can pass a fake one.
// The bodies are connected when the library branches are merged (issue 4).
import type * as pkijs from 'pkijs';

import type { PkiFetcher } from '../../lib/smime/certs/pki-fetcher';
import type { Identity } from '../../lib/smime/keys/key-operations';
import type { MessageReport } from '../../lib/smime/report';

/** Content ciphers the CLI offers when writing (RFC 8551 section 2.7); reading accepts more. */
export const SEND_CIPHERS = ['aes-256-gcm', 'aes-256-cbc', 'aes-128-cbc'] as const;
export type SendCipher = (typeof SEND_CIPHERS)[number];

export interface InspectOptions {
  /** Keys that may open encryption layers. */
  identities: Identity[];
  /** Trust anchors for the signers' chains. */
  anchors: pkijs.Certificate[];
  /** Validation time; now when absent. */
  at?: Date;
  /** CRL, OCSP and AIA fetches; null keeps the check offline. */
  fetcher: PkiFetcher | null;
}

export interface EncryptOptions {
  /** The library's default when absent. */
  cipher?: SendCipher;
  /** RSAES-OAEP key transport instead of PKCS#1 v1.5 for RSA recipients. */
  oaep: boolean;
}

export interface SignOptions {
  /** application/pkcs7-mime SignedData instead of multipart/signed. */
  opaque: boolean;
}

const notWired = (): never => {
  throw new Error('not wired yet');
};

export async function inspectMessage(_raw: Uint8Array, _options: InspectOptions): Promise<MessageReport> {
  return notWired();
}

export async function loadPkcs12(_bytes: Uint8Array, _password: string): Promise<{ identities: Identity[]; summary: unknown }> {
  return notWired();
}

/** Certificates in a PEM, DER or .p7b/.p7c file. */
export function readCertificateFile(_bytes: Uint8Array): pkijs.Certificate[] {
  return notWired();
}

export async function signMessage(_raw: Uint8Array, _signer: Identity, _options: SignOptions): Promise<Uint8Array> {
  return notWired();
}

export async function encryptMessage(_raw: Uint8Array, _recipients: pkijs.Certificate[], _options: EncryptOptions): Promise<Uint8Array> {
  return notWired();
}

export async function signAndEncryptMessage(
  _raw: Uint8Array,
  _signer: Identity,
  _recipients: pkijs.Certificate[],
  _options: EncryptOptions & SignOptions,
): Promise<Uint8Array> {
  return notWired();
}
