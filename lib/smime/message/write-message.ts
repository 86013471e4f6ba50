// Writing an S/MIME message from a plain RFC 5322 one (as the composer builds it). The message
// header fields (From, To, Subject, Date, Message-ID, ...) stay outside; the Content-* fields and
// the body form the inner entity, which is made 7-bit and CRLF before anything is signed or
// encrypted (RFC 8551 sections 3.1.1, 3.1.2), so the bytes signed are exactly the bytes sent.
//
// Recipients are the caller's business: to read one's own sent mail, pass one's own certificate
// among `recipients` (encrypt-to-self). Bcc recipients are never written here; a caller sending
// to Bcc either encrypts one copy per Bcc recipient or accepts that all recipients are listed in
// the envelope.
import type * as pkijs from 'pkijs';

import { SmimeError } from '../errors';
import type { Identity } from '../keys/key-operations';
import { CRLF, base64Body, joinBytes, newBoundary } from '../mime/build-mime';
import { toCrlf } from '../mime/canonicalize';
import type { HeaderField } from '../mime/header-fields';
import { bodyBytes, parseMime } from '../mime/parse-mime';
import { sevenBitEntity } from '../mime/seven-bit-entity';
import type { EncryptOptions, SigningHash, SmimeWriteEngine } from './engine';
import { type HeaderProtection, protectHeaders } from './write-protected-headers';

export interface SignMessageOptions {
  /** application/pkcs7-mime signed-data instead of multipart/signed (readable only by S/MIME clients). */
  opaque?: boolean;
  hash?: SigningHash;
  rsaPss?: boolean;
  /** The certificate to name in SMIMEEncryptionKeyPreference, when it is not the signing one. */
  encryptionCertificate?: pkijs.Certificate;
  /**
   * RFC 9788 header protection: "clear" for a message sent signed only; "cipher" when the signed
   * message is encrypted next (the payload is made here, inside the signature).
   */
  headerProtection?: HeaderProtection;
}

export interface EncryptMessageOptions extends EncryptOptions {
  /** RFC 9788 header protection (hp="cipher"), optionally with the Subject obscured outside. */
  headerProtection?: { hideSubject: boolean };
}

export interface SignAndEncryptOptions {
  signing?: Omit<SignMessageOptions, 'headerProtection'>;
  encryption?: EncryptOptions;
  headerProtection?: { hideSubject: boolean };
}

/** One MIME entity: its header lines (without line ends) and its body. */
interface Entity {
  headers: string[];
  body: Uint8Array;
}

const SIGN_OPTIONS = ['opaque', 'hash', 'rsaPss', 'encryptionCertificate', 'headerProtection'];
const ENCRYPT_OPTIONS = ['cipher', 'rsaPadding', 'oaepHash'];

/** Signs `raw`: multipart/signed (RFC 8551 section 3.5.3), or signed-data when `opaque`. */
export async function signMessage(raw: Uint8Array, signer: Identity, options: SignMessageOptions, engine: SmimeWriteEngine): Promise<Uint8Array> {
  checkOptions(options, SIGN_OPTIONS);
  const { outer, inner } = splitMessage(raw, options.headerProtection);
  return assemble(outer, await signedEntity(inner, signer, options, engine));
}

/** Encrypts `raw` to every certificate in `recipients` (include the sender's own to keep a readable copy). */
export async function encryptMessage(raw: Uint8Array, recipients: pkijs.Certificate[], options: EncryptMessageOptions, engine: SmimeWriteEngine): Promise<Uint8Array> {
  const { headerProtection, ...encryption } = options;
  checkOptions(encryption, ENCRYPT_OPTIONS);
  const { outer, inner } = splitMessage(raw, headerProtection && { mode: 'cipher', hideSubject: headerProtection.hideSubject });
  return assemble(outer, await envelopedEntity(inner, recipients, encryption, engine));
}

/** Signs, then encrypts the signed entity (RFC 8551 section 3.7): the signature is hidden from everyone but the recipients. */
export async function signAndEncryptMessage(
  raw: Uint8Array,
  signer: Identity,
  recipients: pkijs.Certificate[],
  options: SignAndEncryptOptions,
  engine: SmimeWriteEngine,
): Promise<Uint8Array> {
  checkOptions(options, ['signing', 'encryption', 'headerProtection']);
  checkOptions(options.signing ?? {}, SIGN_OPTIONS.filter((o) => o !== 'headerProtection'));
  checkOptions(options.encryption ?? {}, ENCRYPT_OPTIONS);
  const { headerProtection } = options;
  const { outer, inner } = splitMessage(raw, headerProtection && { mode: 'cipher', hideSubject: headerProtection.hideSubject });
  const signed = await signedEntity(inner, signer, options.signing ?? {}, engine);
  return assemble(outer, await envelopedEntity(serialize(signed), recipients, options.encryption ?? {}, engine));
}

async function signedEntity(inner: Uint8Array, signer: Identity, options: SignMessageOptions, engine: SmimeWriteEngine): Promise<Entity> {
  const content = sevenBitEntity(inner);
  const hash = options.hash ?? 'SHA-256';
  const signOptions = { detached: !options.opaque, hash, rsaPss: options.rsaPss, encryptionCertificate: options.encryptionCertificate };
  const der = await engine.signData(content, signer, signOptions);
  if (options.opaque) return pkcs7Mime(der, 'signed-data');
  const boundary = newBoundary([content]);
  return {
    headers: [`Content-Type: multipart/signed; protocol="application/pkcs7-signature";${CRLF} micalg=${engine.micalg(hash)};${CRLF} boundary="${boundary}"`],
    // The CRLF before each delimiter belongs to the delimiter (RFC 2046 section 5.1.1), so part 1 is exactly `content`.
    body: joinBytes([
      `This is an S/MIME signed message.${CRLF}`,
      `--${boundary}${CRLF}`,
      content,
      `${CRLF}--${boundary}${CRLF}`,
      `Content-Type: application/pkcs7-signature; name="smime.p7s"${CRLF}`,
      `Content-Transfer-Encoding: base64${CRLF}`,
      `Content-Disposition: attachment; filename="smime.p7s"${CRLF}${CRLF}`,
      base64Body(der),
      `--${boundary}--${CRLF}`,
    ]),
  };
}

async function envelopedEntity(inner: Uint8Array, recipients: pkijs.Certificate[], options: EncryptOptions, engine: SmimeWriteEngine): Promise<Entity> {
  if (recipients.length === 0) throw new SmimeError('invalid-argument', 'An encrypted message needs at least one recipient certificate.');
  const envelope = await engine.encryptEnvelope(sevenBitEntity(inner), recipients, options);
  return pkcs7Mime(envelope.der, envelope.smimeType);
}

function pkcs7Mime(der: Uint8Array, smimeType: 'signed-data' | 'enveloped-data' | 'authEnveloped-data'): Entity {
  return {
    headers: [
      `Content-Type: application/pkcs7-mime; smime-type=${smimeType};${CRLF} name="smime.p7m"`,
      'Content-Transfer-Encoding: base64',
      'Content-Disposition: attachment; filename="smime.p7m"',
    ],
    body: base64Body(der),
  };
}

function serialize(entity: Entity): Uint8Array {
  return joinBytes([...entity.headers.map((h) => `${h}${CRLF}`), CRLF, entity.body]);
}

/**
 * The message's own header fields (everything but Content-*), and its content as one entity;
 * with header protection the entity also carries the user-facing fields (RFC 9788).
 */
function splitMessage(raw: Uint8Array, protection?: HeaderProtection): { outer: Uint8Array[]; inner: Uint8Array } {
  const root = parseMime(raw);
  const fieldBytes = (h: HeaderField) => toCrlf(root.source.subarray(h.start, h.end));
  let outer = root.headers.filter((h) => !h.key.startsWith('content-')).map(fieldBytes);
  let content = root.headers.filter((h) => h.key.startsWith('content-')).map(fieldBytes);
  // RFC 2045 section 5.2: no Content-Type means US-ASCII text; 8-bit text from a composer is UTF-8.
  if (!root.headers.some((h) => h.key === 'content-type')) {
    const charset = bodyBytes(root).some((b) => b > 0x7f) ? 'utf-8' : 'us-ascii';
    content.unshift(joinBytes([`Content-Type: text/plain; charset=${charset}`]));
  }
  if (protection) ({ outer, payloadHeaders: content } = protectHeaders(outer, content, protection));
  const inner = joinBytes([...content.flatMap((line) => [line, CRLF]), CRLF, bodyBytes(root)]);
  return { outer, inner };
}

/** The outer header fields (MIME-Version added when missing), the protected entity's header lines, then its body. */
function assemble(outer: Uint8Array[], entity: Entity): Uint8Array {
  const lines: (Uint8Array | string)[] = outer.flatMap((line) => [line, CRLF]);
  const hasMimeVersion = outer.some((line) => /^mime-version\s*:/i.test(new TextDecoder().decode(line.subarray(0, 20))));
  if (!hasMimeVersion) lines.push(`MIME-Version: 1.0${CRLF}`);
  return joinBytes([...lines, ...entity.headers.map((h) => `${h}${CRLF}`), CRLF, entity.body]);
}

/** Unknown options throw (house style), so a misspelt option is never silently ignored. */
function checkOptions(options: object, known: string[]): void {
  for (const key of Object.keys(options)) {
    if (!known.includes(key)) throw new SmimeError('invalid-argument', `Unknown option "${key}".`);
  }
}
