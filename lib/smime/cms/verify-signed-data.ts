// Verifying CMS SignedData (RFC 5652 5, RFC 8551) with our own policy instead of pkijs's
// SignedData.verify, which checks embedded eContent in place of the detached data, ignores the
// contentType attribute and takes the first of repeated attributes (Johnny C1, C5, C6). This
// module checks the CMS only; trust in the signer's certificate is decided in certs/.
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';

import { parseAs } from '../asn1/parse-der';
import { SmimeError } from '../errors';
import { OID } from '../oids';
import { digest, type HashName } from '../web-crypto';
import { bytesEqual } from '../../bytes';
import { checkSigner } from './signed/check-signer';
import { octetStringBytes } from './signed/octet-string';
import type { SignerIdentifier } from './signed/signer-identifier';
import type { SmimeCapability } from './signed/smime-capabilities';

export type { SignerIdentifier } from './signed/signer-identifier';
export type { SmimeCapability } from './signed/smime-capabilities';

export interface SignerCheck {
  signerIdentifier: SignerIdentifier;
  /** From the message's certificates or options.extraCertificates; null when none matches. */
  signerCertificate: pkijs.Certificate | null;
  /** The signature is valid over the exact content and the signed attributes are consistent. */
  intact: boolean;
  /** "rsa-pkcs1-sha256", "rsa-pss-sha256", "ecdsa-p256-sha256", "ed25519", or the OID when unknown. */
  algorithm: string;
  digestAlgorithm: 'SHA-1' | 'SHA-256' | 'SHA-384' | 'SHA-512' | 'MD5' | string;
  /** SHA-1/MD5 digests, RSA keys under 2048 bits. */
  weakAlgorithm: boolean;
  signingTime: Date | null;
  capabilities: SmimeCapability[] | null;
  encryptionKeyPreference: SignerIdentifier | null;
  /** The certificate the EncryptionKeyPreference names, when the message (or the caller) has it. */
  encryptionCertificate: pkijs.Certificate | null;
  /** Plain sentences, one per failure; empty when intact. */
  reasons: string[];
}

export interface SignedDataCheck {
  eContentType: string;
  /** The encapsulated content (opaque signing); null when detached. */
  content: Uint8Array | null;
  detached: boolean;
  /** Every certificate the SignedData carries, each once. */
  certificates: pkijs.Certificate[];
  /** DER of the CRLs it carries. */
  crls: Uint8Array[];
  /** One per SignerInfo; empty for a certs-only bundle, which is never a signature. */
  signers: SignerCheck[];
}

export interface VerifySignedDataOptions {
  /** The exact bytes of the signed MIME part of a multipart/signed message. */
  detachedContent?: Uint8Array;
  /** Certificates to look for the signer in besides the message's own (an address book). */
  extraCertificates?: pkijs.Certificate[];
  /**
   * The caller hands `contentInfoDer` over and never changes it afterwards (the plaintext that
   * decryptEnvelope just returned, say): it is read in place, and `content` and the certificates
   * are views into it, instead of into a private copy of the whole message.
   */
  inputHandedOver?: boolean;
}

const OPTIONS = new Set(['detachedContent', 'extraCertificates', 'inputHandedOver']);

/**
 * Checks every SignerInfo of a ContentInfo holding SignedData. Throws SmimeError for a message that
 * cannot be checked at all: not SignedData ('malformed-cms'), unreadable ('malformed-asn1'),
 * eContent present while detachedContent is given ('malformed-cms', conflicting use: RFC 8551
 * 3.5.3.1), or signers with no content anywhere. Per-signer failures are reported, not thrown.
 */
export async function verifySignedData(contentInfoDer: Uint8Array, options: VerifySignedDataOptions = {}): Promise<SignedDataCheck> {
  for (const key of Object.keys(options)) {
    if (!OPTIONS.has(key)) throw new SmimeError('invalid-argument', `Unknown option "${key}" for verifySignedData.`);
  }
  const contentInfo = parseAs(contentInfoDer, 'CMS message', (schema) => new pkijs.ContentInfo({ schema }), { inPlace: options.inputHandedOver === true });
  if (contentInfo.contentType !== OID.signedData) throw new SmimeError('malformed-cms', 'The CMS message is not SignedData.');
  const schema = contentInfo.content as asn1js.AsnType;
  let signedData: pkijs.SignedData;
  try {
    signedData = new pkijs.SignedData({ schema });
  } catch (error) {
    throw new SmimeError('malformed-cms', `The SignedData cannot be read: ${(error as Error).message}`, { cause: error });
  }

  const { certificates, crls, derOf } = carriedCertificatesAndCrls(schema);
  const eContentType = signedData.encapContentInfo.eContentType;
  const eContent = signedData.encapContentInfo.eContent;
  const embedded = eContent ? octetStringBytes(eContent, 'encapsulated content') : null;
  if (embedded && options.detachedContent) {
    throw new SmimeError('malformed-cms', 'The signature carries its own content and also came with separate content (conflicting use).');
  }
  if (!embedded && !options.detachedContent && signedData.signerInfos.length > 0) {
    throw new SmimeError('malformed-cms', 'The signature has no content and none was given with it.');
  }
  const content = embedded ?? options.detachedContent ?? new Uint8Array(0);

  const digests = new Map<HashName, Promise<Uint8Array>>();
  const digestOf = (hash: HashName) => {
    let value = digests.get(hash);
    if (!value) digests.set(hash, (value = digest(hash, content)));
    return value;
  };
  const extra = options.extraCertificates ?? [];
  const context = { eContentType, content, digestOf, certificates: [...certificates, ...extra], derOf };
  const signers: SignerCheck[] = [];
  for (const signerInfo of signedData.signerInfos) signers.push(await checkSigner(signerInfo, context));

  return { eContentType, content: embedded, detached: embedded === null, certificates, crls, signers };
}

/**
 * The certificates ([0]) and CRLs ([1]) fields read from the SignedData's own ASN.1, so each keeps
 * its bytes as received (for deduplication and the signing-certificate hash). Attribute and other
 * certificate formats are skipped.
 */
function carriedCertificatesAndCrls(signedData: asn1js.AsnType) {
  const fields = signedData instanceof asn1js.Sequence ? signedData.valueBlock.value : [];
  const field = (tagNumber: number) => {
    const found = fields.find((f) => f.idBlock.tagClass === 3 && f.idBlock.tagNumber === tagNumber);
    return found instanceof asn1js.Constructed ? found.valueBlock.value.filter((v) => v.idBlock.tagClass === 1 && v.idBlock.tagNumber === 16) : [];
  };
  const ders = new WeakMap<pkijs.Certificate, Uint8Array>();
  const certificates: pkijs.Certificate[] = [];
  for (const value of field(0)) {
    const der = value.valueBeforeDecodeView;
    if (certificates.some((c) => bytesEqual(ders.get(c)!, der))) continue;
    let certificate: pkijs.Certificate;
    try {
      certificate = new pkijs.Certificate({ schema: value });
    } catch (error) {
      throw new SmimeError('malformed-cms', 'A certificate in the SignedData cannot be read.', { cause: error });
    }
    ders.set(certificate, der);
    certificates.push(certificate);
  }
  const crls = field(1).map((value) => new Uint8Array(value.valueBeforeDecodeView));
  const derOf = (certificate: pkijs.Certificate) => ders.get(certificate) ?? new Uint8Array(certificate.toSchema().toBER());
  return { certificates, crls, derOf };
}
