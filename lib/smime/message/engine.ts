// The CMS and certificate operations reading and writing a message need, as injected interfaces.
// The real functions (engine.ts) fit them; the MIME walk's tests pass small fakes. Result types
// come from the CMS modules themselves; the chain check mirrors certs/validate-certificate.ts.
import type * as pkijs from 'pkijs';

import type { Identity } from '../keys/key-operations';
import type { DecryptedEnvelope } from '../cms/decrypt-envelope';
import type { SignedDataCheck } from '../cms/verify-signed-data';
import type { CertificateSummary, ChainVerdict, ContentCipherName, RevocationReport } from '../report';

export type { SignerIdentifier, SmimeCapability, SignerCheck, SignedDataCheck } from '../cms/verify-signed-data';
export type { DecryptedEnvelope } from '../cms/decrypt-envelope';

export interface ChainCheck {
  verdict: ChainVerdict;
  reasons: string[];
  path: pkijs.Certificate[];
  revocation: RevocationReport;
}

/**
 * What reading needs. `Trust` is the chain validator's trust settings (anchors, known
 * certificates, fetcher, revocation policy, clock): the message layer passes it through untouched.
 */
export interface SmimeReadEngine<Trust> {
  verifySignedData(contentInfoDer: Uint8Array, options?: { detachedContent?: Uint8Array; extraCertificates?: pkijs.Certificate[] }): Promise<SignedDataCheck>;
  validateCertificate(
    certificate: pkijs.Certificate,
    options: { purpose: 'signing' | 'encryption'; messageCertificates?: pkijs.Certificate[]; signingTime?: Date | null; crls?: Uint8Array[] },
    trust: Trust,
  ): Promise<ChainCheck>;
  certificateEmails(certificate: pkijs.Certificate): string[];
  summarizeCertificate(certificate: pkijs.Certificate): Promise<CertificateSummary>;
  decryptEnvelope(contentInfoDer: Uint8Array, identities: Identity[]): Promise<DecryptedEnvelope>;
  decompressData(contentInfoDer: Uint8Array): Promise<{ content: Uint8Array; contentType: string }>;
}

export type SigningHash = 'SHA-256' | 'SHA-384' | 'SHA-512';

export interface EncryptOptions {
  cipher?: 'aes-256-gcm' | 'aes-128-gcm' | 'aes-256-cbc' | 'aes-192-cbc' | 'aes-128-cbc';
  rsaPadding?: 'pkcs1v15' | 'oaep';
  oaepHash?: 'SHA-256' | 'SHA-1';
}

/** What writing needs. */
export interface SmimeWriteEngine {
  signData(
    content: Uint8Array,
    signer: Identity,
    options: { detached: boolean; hash?: SigningHash; rsaPss?: boolean; encryptionCertificate?: pkijs.Certificate },
  ): Promise<Uint8Array>;
  /** The multipart/signed micalg value for `hash` (RFC 8551 section 3.5.3.2), e.g. "sha-256". */
  micalg(hash: SigningHash): string;
  encryptEnvelope(
    content: Uint8Array,
    recipients: pkijs.Certificate[],
    options?: EncryptOptions,
  ): Promise<{ der: Uint8Array; smimeType: 'enveloped-data' | 'authEnveloped-data'; contentCipher: ContentCipherName }>;
}
