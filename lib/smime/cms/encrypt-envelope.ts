// Producing EnvelopedData (AES-CBC) and AuthEnvelopedData (AES-GCM, RFC 5083/5084) for any mix of
// RSA, EC and X25519 recipients. Built here with asn1js rather than pkijs's EnvelopedData.encrypt,
// which puts GCM inside EnvelopedData with non-standard parameters. Never 3DES or RC2.
import * as asn1js from 'asn1js';
import type * as pkijs from 'pkijs';

import { toDer } from '../asn1/parse-der';
import { SmimeError } from '../errors';
import { OID } from '../oids';
import type { ContentCipherName } from '../report';
import { ownBuffer } from '../web-crypto';
import { randomBytes } from './envelope/bytes';
import { encryptContent, isAuthenticatedCipher, sendCipherKeyLength, type SendCipherName } from './envelope/content-cipher';
import { canAgreeWith, keyAgreementRecipientInfo } from './envelope/key-agreement';
import { keyTransportRecipientInfo, type RsaPadding } from './envelope/key-transport';

export type SendCipher = SendCipherName;

export interface EncryptOptions {
  /** Default 'aes-256-cbc'. The GCM ciphers produce AuthEnvelopedData. */
  cipher?: SendCipher;
  /** For RSA recipients; default 'pkcs1v15'. */
  rsaPadding?: 'pkcs1v15' | 'oaep';
  /** For OAEP; default 'SHA-256' (with MGF1-SHA-256). */
  oaepHash?: 'SHA-256' | 'SHA-1';
}

export interface EncryptedEnvelope {
  /** A ContentInfo holding EnvelopedData or AuthEnvelopedData. */
  der: Uint8Array;
  smimeType: 'enveloped-data' | 'authEnveloped-data';
  contentCipher: ContentCipherName;
}

const CIPHERS: readonly SendCipher[] = ['aes-256-gcm', 'aes-128-gcm', 'aes-256-cbc', 'aes-192-cbc', 'aes-128-cbc'];
const OPTION_NAMES = new Set(['cipher', 'rsaPadding', 'oaepHash']);

function checkOptions(options: EncryptOptions): { cipher: SendCipher; padding: RsaPadding } {
  const unknown = Object.keys(options).filter((name) => !OPTION_NAMES.has(name));
  if (unknown.length > 0) throw new SmimeError('invalid-argument', `Unknown encryption options: ${unknown.join(', ')}.`);
  const cipher = options.cipher ?? 'aes-256-cbc';
  if (!CIPHERS.includes(cipher)) throw new SmimeError('unsupported-algorithm', `Messages are not encrypted with ${String(cipher)}.`);
  const rsaPadding = options.rsaPadding ?? 'pkcs1v15';
  const oaepHash = options.oaepHash ?? 'SHA-256';
  if (rsaPadding !== 'pkcs1v15' && rsaPadding !== 'oaep') throw new SmimeError('invalid-argument', `Unknown RSA padding ${String(rsaPadding)}.`);
  if (oaepHash !== 'SHA-256' && oaepHash !== 'SHA-1') throw new SmimeError('invalid-argument', `Unknown OAEP hash ${String(oaepHash)}.`);
  return { cipher, padding: rsaPadding === 'oaep' ? { padding: 'oaep', hash: oaepHash } : { padding: 'pkcs1v15' } };
}

export async function encryptEnvelope(content: Uint8Array, recipients: pkijs.Certificate[], options: EncryptOptions = {}): Promise<EncryptedEnvelope> {
  const { cipher, padding } = checkOptions(options);
  if (recipients.length === 0) throw new SmimeError('invalid-argument', 'An encrypted message needs at least one recipient.');
  const cek = randomBytes(sendCipherKeyLength(cipher));
  try {
    let allKeyTransport = true;
    const recipientInfos: asn1js.AsnType[] = [];
    for (const certificate of recipients) {
      if (certificate.subjectPublicKeyInfo.algorithm.algorithmId === OID.rsaEncryption) {
        recipientInfos.push(await keyTransportRecipientInfo(certificate, cek, padding));
      } else if (canAgreeWith(certificate)) {
        allKeyTransport = false;
        recipientInfos.push(await keyAgreementRecipientInfo(certificate, cek));
      } else {
        throw new SmimeError('unsupported-algorithm', 'A recipient certificate holds a key that cannot receive encrypted mail.');
      }
    }
    const encrypted = await encryptContent(cipher, cek, content);
    const encryptedContentInfo = new asn1js.Sequence({
      value: [
        new asn1js.ObjectIdentifier({ value: OID.data }),
        encrypted.algorithm,
        new asn1js.Primitive({ idBlock: { tagClass: 3, tagNumber: 0 }, valueHex: ownBuffer(encrypted.ciphertext).buffer }),
      ],
    });
    const recipientSet = derSetOf(recipientInfos);
    const authenticated = isAuthenticatedCipher(cipher);
    // RFC 5652 section 6.1: version 0 when every RecipientInfo is a version 0 KTRI, else 2.
    // RFC 5083 section 2.1: AuthEnvelopedData is always version 0.
    const body = authenticated
      ? [new asn1js.Integer({ value: 0 }), recipientSet, encryptedContentInfo, new asn1js.OctetString({ valueHex: ownBuffer(encrypted.mac!).buffer })]
      : [new asn1js.Integer({ value: allKeyTransport ? 0 : 2 }), recipientSet, encryptedContentInfo];
    const contentInfo = new asn1js.Sequence({
      value: [
        new asn1js.ObjectIdentifier({ value: authenticated ? OID.authEnvelopedData : OID.envelopedData }),
        new asn1js.Constructed({ idBlock: { tagClass: 3, tagNumber: 0 }, value: [new asn1js.Sequence({ value: body })] }),
      ],
    });
    return { der: toDer(contentInfo), smimeType: authenticated ? 'authEnveloped-data' : 'enveloped-data', contentCipher: cipher };
  } finally {
    cek.fill(0);
  }
}

/** A DER SET OF: members in ascending order of their encodings (X.690 section 11.6). */
function derSetOf(members: asn1js.AsnType[]): asn1js.Set {
  const encoded = members.map((member) => ({ member, der: toDer(member) }));
  encoded.sort((a, b) => compareBytes(a.der, b.der));
  return new asn1js.Set({ value: encoded.map((e) => e.member) });
}

function compareBytes(a: Uint8Array, b: Uint8Array): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return a.length - b.length;
}
