// Opening EnvelopedData (RFC 5652 section 6) and AuthEnvelopedData (RFC 5083) with the user's
// identities. Every RecipientInfo that names one of them is tried in turn (mail to an older
// certificate still opens). Every cryptographic failure is the same 'decryption-failed'.
import { SmimeError } from '../errors';
import type { Identity } from '../keys/key-operations';
import { LIMITS } from '../limits';
import type { ContentCipherName, KeyTransportName } from '../report';
import { contentDecryptionFor, decryptionFailed, isAuthenticatedOid, type ContentDecryption } from './envelope/content-cipher';
import { decryptAgreedKey } from './envelope/key-agreement';
import { decryptTransportedKey } from './envelope/key-transport';
import { malformed } from './envelope/asn1-read';
import { readEnvelope, type EnvelopeParts } from './envelope/read-envelope';
import { matchRecipients, type RecipientCandidate } from './envelope/recipient-match';

export interface DecryptedEnvelope {
  /** The decrypted eContent bytes (for S/MIME: a MIME entity). */
  content: Uint8Array;
  /** encryptedContentInfo.contentType OID. */
  contentType: string;
  contentCipher: ContentCipherName;
  keyTransport: KeyTransportName;
  /** 3DES, RC2. */
  weakCipher: boolean;
  /** True only for AuthEnvelopedData (GCM). */
  integrityProtected: boolean;
  /** The identity that opened it. */
  recipient: Identity;
}

/**
 * contentInfoDer: a ContentInfo holding EnvelopedData (1.2.840.113549.1.7.3) or AuthEnvelopedData
 * (1.2.840.113549.1.9.16.1.23). Tries every RecipientInfo that matches any identity
 * (issuerAndSerialNumber or subjectKeyIdentifier, for KARI the rid or rKeyId).
 */
export async function decryptEnvelope(contentInfoDer: Uint8Array, identities: Identity[]): Promise<DecryptedEnvelope> {
  const envelope = readEnvelope(contentInfoDer);
  // AEAD belongs in AuthEnvelopedData only, and only AEAD there: a relabelled algorithm (the
  // AEAD-to-CBC downgrade, or pkijs's GCM-in-EnvelopedData) is refused before any key is used.
  const authenticated = isAuthenticatedOid(envelope.contentEncryptionAlgorithm.algorithmId);
  if (envelope.kind === 'enveloped' && authenticated) throw malformed('EnvelopedData cannot carry AES-GCM content (RFC 5083 is for that).');
  if (envelope.kind === 'auth-enveloped' && !authenticated) throw decryptionFailed();
  const cipher = contentDecryptionFor(envelope.contentEncryptionAlgorithm);

  const candidates = await matchRecipients(envelope.recipientInfos, identities);
  if (candidates.length === 0) throw new SmimeError('no-matching-recipient', 'None of your certificates is a recipient of this message.');
  if (candidates.length > LIMITS.decryptionAttempts) {
    throw new SmimeError('limit-exceeded', `The message names your certificates more than ${LIMITS.decryptionAttempts} times.`);
  }

  const failures: unknown[] = [];
  for (const candidate of candidates) {
    try {
      return await openWith(envelope, cipher, candidate);
    } catch (error) {
      failures.push(error);
    }
  }
  // A key that could not be used at all (card removed, PIN not given) might have opened it: say so.
  // A structural or algorithm problem is the same for every recipient: say what it is. Anything
  // else is one generic failure.
  const unavailable = failures.find((e) => e instanceof SmimeError && e.code === 'key-unavailable');
  if (unavailable) throw unavailable;
  const meaningful = failures.find((e) => e instanceof SmimeError && e.code !== 'decryption-failed');
  if (meaningful && failures.every((e) => e instanceof SmimeError && e.code === (meaningful as SmimeError).code)) throw meaningful;
  throw decryptionFailed();
}

async function openWith(envelope: EnvelopeParts, cipher: ContentDecryption, candidate: RecipientCandidate): Promise<DecryptedEnvelope> {
  const { cek, keyTransport } =
    candidate.kind === 'key-transport'
      ? await decryptTransportedKey(candidate.info, candidate.identity.key, cipher.keyLength)
      : await decryptAgreedKey(candidate.info, candidate.encryptedKey, candidate.identity.key, cipher.keyLength);
  try {
    const content = await cipher.decrypt(cek, envelope.encryptedContent, envelope.mac, envelope.additionalData);
    return {
      content,
      contentType: envelope.contentType,
      contentCipher: cipher.name,
      keyTransport,
      weakCipher: cipher.weak,
      integrityProtected: cipher.authenticated,
      recipient: candidate.identity,
    };
  } finally {
    cek.fill(0);
  }
}
