// The one place the CLI meets lib/smime. Each function is a thin call into the library; the
// commands receive this module as an object (SmimeLibrary) so their tests can pass a fake one.
import type * as pkijs from 'pkijs';

import * as smime from '../../lib/smime';
import type { Identity, MessageReport, PkiFetcher, TrustSettings } from '../../lib/smime';

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

/** Checks a message: identities open encryption layers, anchors decide trust; revocation is
 * checked online (soft-fail: an unreachable responder is reported, not fatal) unless offline. */
export async function inspectMessage(raw: Uint8Array, options: InspectOptions): Promise<MessageReport> {
  const trust: TrustSettings = {
    anchors: options.anchors,
    fetcher: options.fetcher,
    revocation: options.fetcher ? 'soft-fail' : 'off',
    ...(options.at ? { now: options.at } : {}),
  };
  return (await smime.readMessage(raw, { identities: options.identities, trust })).report;
}

/** Opens a PKCS#12 file: the identities it holds and a summary of everything in it. */
export async function loadPkcs12(bytes: Uint8Array, password: string): Promise<{ identities: Identity[]; summary: unknown }> {
  const contents = await smime.readPkcs12(bytes, password);
  const summary = {
    certificates: await Promise.all(
      contents.certificates.map(async (entry) => ({
        friendlyName: entry.friendlyName,
        hasKey: contents.keys.some((key) => key.certificate && smime.sameCertificate(key.certificate, entry.certificate)),
        ...(await smime.summarizeCertificate(entry.certificate)),
      })),
    ),
    keys: await Promise.all(
      contents.keys.map(async (key) => ({
        friendlyName: key.friendlyName,
        ...key.description,
        certificate: key.certificate ? (await smime.summarizeCertificate(key.certificate)).subject : null,
      })),
    ),
    algorithms: contents.algorithms,
  };
  return { identities: smime.identitiesFromPkcs12(contents), summary };
}

/** Certificates in a PEM, DER or .p7b/.p7c file. */
export function readCertificateFile(bytes: Uint8Array): pkijs.Certificate[] {
  return smime.readCertificates(bytes);
}

export function signMessage(raw: Uint8Array, signer: Identity, options: SignOptions): Promise<Uint8Array> {
  return smime.signMessage(raw, signer, { opaque: options.opaque });
}

const encryption = (options: EncryptOptions) => ({ ...(options.cipher ? { cipher: options.cipher } : {}), rsaPadding: options.oaep ? ('oaep' as const) : ('pkcs1v15' as const) });

export function encryptMessage(raw: Uint8Array, recipients: pkijs.Certificate[], options: EncryptOptions): Promise<Uint8Array> {
  return smime.encryptMessage(raw, recipients, encryption(options));
}

export function signAndEncryptMessage(raw: Uint8Array, signer: Identity, recipients: pkijs.Certificate[], options: EncryptOptions & SignOptions): Promise<Uint8Array> {
  return smime.signAndEncryptMessage(raw, signer, recipients, { signing: { opaque: options.opaque }, encryption: encryption(options) });
}
