// Reads a ContentInfo holding EnvelopedData (RFC 5652 section 6.1) or AuthEnvelopedData (RFC 5083
// section 2.1) into the parts decryption needs. pkijs has no AuthEnvelopedData class, so both are
// walked here the same way; pkijs reads only the RecipientInfo and AlgorithmIdentifier values.
import type * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';

import { LIMITS } from '../../limits';
import { OID } from '../../oids';
import { SmimeError } from '../../errors';
import { children, encodingOf, isContext, isUniversal, malformed, octets, oidOf, parseCms, readWith } from './asn1-read';

export type EnvelopeKind = 'enveloped' | 'auth-enveloped';

export interface EnvelopeParts {
  kind: EnvelopeKind;
  recipientInfos: pkijs.RecipientInfo[];
  /** encryptedContentInfo.contentType. */
  contentType: string;
  contentEncryptionAlgorithm: pkijs.AlgorithmIdentifier;
  encryptedContent: Uint8Array;
  /** AuthEnvelopedData: the DER of authAttrs with the SET tag (RFC 5083 section 2.1), else empty. */
  additionalData: Uint8Array;
  /** AuthEnvelopedData: the mac field (for AES-GCM, the tag). */
  mac?: Uint8Array;
}

/**
 * The parts are views into `contentInfoDer` (no copy of a 25 MB envelope): they are for opening it
 * there and then, and nothing derived from them but the plaintext and names may be handed out.
 */
export function readEnvelope(contentInfoDer: Uint8Array): EnvelopeParts {
  const contentInfo = children(parseCms(contentInfoDer, 'CMS message', { inPlace: true }), 'ContentInfo');
  const [typeValue, wrapped, ...rest] = contentInfo;
  const type = oidOf(typeValue, 'ContentInfo content type');
  if (type !== OID.envelopedData && type !== OID.authEnvelopedData) {
    throw malformed(`The CMS message is ${type}, not EnvelopedData or AuthEnvelopedData.`);
  }
  if (!isContext(wrapped, 0) || rest.length > 0) throw malformed('The ContentInfo does not hold one [0] content.');
  const explicit = children(wrapped, 'ContentInfo content');
  if (explicit.length !== 1) throw malformed('The ContentInfo does not hold one [0] content.');
  const kind: EnvelopeKind = type === OID.envelopedData ? 'enveloped' : 'auth-enveloped';
  const fields = children(explicit[0], kind === 'enveloped' ? 'EnvelopedData' : 'AuthEnvelopedData');

  let index = 0;
  const next = () => fields[index];
  if (!isUniversal(next(), 2)) throw malformed('The envelope has no version.');
  index++;
  if (isContext(next(), 0)) index++; // originatorInfo: certificates we do not need to open it
  const recipientInfos = readRecipientInfos(next());
  index++;
  const encrypted = readEncryptedContentInfo(next());
  index++;

  let additionalData: Uint8Array = new Uint8Array(0);
  let mac: Uint8Array | undefined;
  if (kind === 'auth-enveloped') {
    const authAttrs = next();
    if (isContext(authAttrs, 1)) {
      // The AAD is the DER of authAttrs with its IMPLICIT [1] tag replaced by the SET OF tag.
      additionalData = encodingOf(authAttrs!);
      additionalData[0] = 0x31;
      index++;
    }
    if (!isUniversal(next(), 4)) throw malformed('The AuthEnvelopedData has no mac.');
    mac = octets(next(), 'AuthEnvelopedData mac');
    index++;
    if (isContext(next(), 2)) index++; // unauthAttrs
  } else if (isContext(next(), 1)) {
    index++; // unprotectedAttrs
  }
  if (index !== fields.length) throw malformed('The envelope has fields after its end.');
  return { kind, recipientInfos, ...encrypted, additionalData, mac };
}

function readRecipientInfos(value: asn1js.AsnType | undefined): pkijs.RecipientInfo[] {
  if (!isUniversal(value, 17)) throw malformed('The envelope has no set of RecipientInfos.');
  const items = children(value, 'RecipientInfos');
  if (items.length === 0) throw malformed('The envelope has no recipients.');
  if (items.length > LIMITS.recipientInfos) {
    throw new SmimeError('limit-exceeded', `The envelope lists more than ${LIMITS.recipientInfos} recipients.`);
  }
  return items.map((schema) => readWith('RecipientInfo', () => new pkijs.RecipientInfo({ schema })));
}

function readEncryptedContentInfo(value: asn1js.AsnType | undefined) {
  const [typeValue, algorithm, content, ...rest] = children(value, 'EncryptedContentInfo');
  if (rest.length > 0) throw malformed('The EncryptedContentInfo has fields after its end.');
  if (!isContext(content, 0)) throw malformed('The envelope carries no encrypted content (detached content is not supported).');
  return {
    contentType: oidOf(typeValue, 'encrypted content type'),
    contentEncryptionAlgorithm: readWith('content-encryption algorithm', () => new pkijs.AlgorithmIdentifier({ schema: algorithm })),
    encryptedContent: octets(content, 'encrypted content'),
  };
}
