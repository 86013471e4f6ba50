// Producing EnvelopedData (AES-CBC) and AuthEnvelopedData (AES-GCM, RFC 5083/5084) for any mix of
// RSA, EC and X25519 recipients. Built here with asn1js rather than pkijs's EnvelopedData.encrypt,
// which puts GCM inside EnvelopedData with non-standard parameters. Never 3DES or RC2.
import * as asn1js from 'asn1js';
import type * as pkijs from 'pkijs';

import { derWithHole, type DerNode } from '../asn1/der-with-hole';
import { toDer } from '../asn1/parse-der';
import { SmimeError } from '../errors';
import { OID } from '../oids';
import type { ContentCipherName } from '../report';
import { ownBuffer } from '../web-crypto';
import { randomBytes } from './envelope/bytes';
import { isAuthenticatedCipher, prepareContentEncryption, sendCipherKeyLength, type SendCipherName } from './envelope/content-cipher';
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

const SEQUENCE = 0x30;
const CONTEXT_0_CONSTRUCTED = 0xa0;
const CONTEXT_0_PRIMITIVE = 0x80;

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
    const encryption = await prepareContentEncryption(cipher, cek, content);
    const authenticated = isAuthenticatedCipher(cipher);
    // RFC 5652 section 6.1: version 0 when every RecipientInfo is a version 0 KTRI, else 2.
    // RFC 5083 section 2.1: AuthEnvelopedData is always version 0.
    const version = toDer(new asn1js.Integer({ value: authenticated || allKeyTransport ? 0 : 2 }));
    const encryptedContentInfo: DerNode = {
      tag: SEQUENCE,
      // encryptedContent [0] IMPLICIT OCTET STRING, primitive (DER).
      children: [toDer(new asn1js.ObjectIdentifier({ value: OID.data })), toDer(encryption.algorithm), { tag: CONTEXT_0_PRIMITIVE, holeLength: encryption.ciphertextLength }],
    };
    const mac = encryption.mac ? [toDer(new asn1js.OctetString({ valueHex: ownBuffer(encryption.mac).buffer }))] : [];
    const { der, hole } = derWithHole({
      tag: SEQUENCE,
      children: [
        toDer(new asn1js.ObjectIdentifier({ value: authenticated ? OID.authEnvelopedData : OID.envelopedData })),
        { tag: CONTEXT_0_CONSTRUCTED, children: [{ tag: SEQUENCE, children: [version, toDer(derSetOf(recipientInfos)), encryptedContentInfo, ...mac] }] },
      ],
    });
    await encryption.writeCiphertext(hole);
    return { der, smimeType: authenticated ? 'authEnveloped-data' : 'enveloped-data', contentCipher: cipher };
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
