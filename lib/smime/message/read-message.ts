// Reading an S/MIME message: walk the layers from the MIME root inwards (signed, encrypted,
// compressed, certs-only; nested up to LIMITS.smimeNesting, RFC 8551 section 3.7) and report
// what each one proved. Only the root of the message, and the root of each unwrapped layer, is a
// layer: S/MIME parts inside an unprotected multipart are never decrypted (EFAIL), and a signed
// part found there is verified but makes the message "partial", never "signed" (the "Johnny,
// You Are Fired" M1-M4 attacks). Bad input never throws: it becomes report errors.
import type * as pkijs from 'pkijs';

import { SmimeError, isSmimeError } from '../errors';
import type { Identity } from '../keys/key-operations';
import { LIMITS } from '../limits';
import { OID } from '../oids';
import { toCrlf } from '../mime/canonicalize';
import { type AddrSpec, singleFromAddress } from '../mime/mailbox';
import { decodedBody } from '../mime/part-content';
import { type MimePart, entityBytes, headerValues, parseMime } from '../mime/parse-mime';
import type { LayerKind, LayerReport, MessageReport, ReportError } from '../report';
import type { SignedDataCheck, SmimeReadEngine } from './engine';
import { describeContent } from './message-content';
import { isProtectedField, readProtectedHeaders } from './protected-headers';
import { signatureReports, summarize } from './signature-reports';
import { contentInfoType, smimeEntityKind } from './smime-entity';

export interface ReadContext<Trust> {
  engine: SmimeReadEngine<Trust>;
  /** Every identity that may open the message (older keys included); tried in order. */
  identities: Identity[];
  trust: Trust;
  /** Certificates known locally (harvested, imported): a signature that does not carry its signer's certificate is checked with these. */
  knownCertificates?: pkijs.Certificate[];
}

export interface ReadResult {
  report: MessageReport;
  /** The innermost MIME entity the user is shown, under the outer message's headers. */
  plaintext: Uint8Array;
  /** Certificates carried by signatures and certs-only layers, for the caller to harvest. */
  certificates: pkijs.Certificate[];
}

/** A part and the outer part number of its source's root (decrypted content has its own source). */
interface Position {
  part: MimePart;
  prefix: string;
}

interface Walk<Trust> {
  context: ReadContext<Trust>;
  report: MessageReport;
  certificates: pkijs.Certificate[];
  outerFrom: string[];
}

/** What unwrapping one layer gave: the layer, the content inside (if any), and for signature layers whether all signers held. */
interface Unwrapped {
  layer: LayerReport;
  inner: Position | null;
  signature: 'intact' | 'broken' | null;
}

const known = <Trust>(walk: Walk<Trust>) => (walk.context.knownCertificates?.length ? { extraCertificates: walk.context.knownCertificates } : {});
const joinPath = (prefix: string, path: string) => (prefix && path ? `${prefix}.${path}` : prefix || path);
const outerPath = (at: Position) => joinPath(at.prefix, at.part.partPath);

export async function readMessage<Trust>(raw: Uint8Array, context: ReadContext<Trust>): Promise<ReadResult> {
  const report: MessageReport = {
    encrypted: false,
    contentCipher: null,
    keyTransport: null,
    weakCipher: false,
    encryptionIntegrity: null,
    signed: false,
    partial: false,
    signatures: [],
    layers: [],
    text: '',
    attachments: [],
    errors: [],
  };
  const certificates: pkijs.Certificate[] = [];
  let outer: MimePart;
  try {
    outer = parseMime(raw);
  } catch (error) {
    report.errors.push(reportError(error));
    return { report, plaintext: raw, certificates };
  }
  const walk: Walk<Trust> = { context, report, certificates, outerFrom: headerValues(outer, 'from') };

  let at: Position = { part: outer, prefix: '' };
  let everySignatureHeld = true;
  let signatureLayers = 0;
  let complete = true;
  for (let depth = 0; ; depth++) {
    const kind = smimeEntityKind(at.part);
    if (!kind) break;
    if (depth >= LIMITS.smimeNesting) {
      report.errors.push({ code: 'limit-exceeded', message: `The message nests more than ${LIMITS.smimeNesting} S/MIME layers.` });
      complete = false;
      break;
    }
    const step = kind === 'multipart-signed' ? await unwrapClearSigned(at, walk) : await unwrapPkcs7(at, walk);
    if (step) {
      report.layers.push(step.layer);
      report.errors.push(...step.layer.errors);
      if (step.signature) {
        signatureLayers++;
        if (step.signature === 'broken') everySignatureHeld = false;
        report.signatures.push(...(step.layer.signatures ?? []));
      }
    }
    if (!step?.inner) {
      complete = false;
      break;
    }
    at = step.inner;
  }

  const contentSigned = markWhatSignersSigned(report.layers);
  report.signed = complete && contentSigned && everySignatureHeld;
  report.encryptionIntegrity = encryptionIntegrity(report.layers, complete && everySignatureHeld);
  const signatures = signatureLayers === 0 ? 'none' : everySignatureHeld ? 'intact' : 'broken';
  const protectedHeaders = complete ? readProtectedHeaders(at.part, outer, { encrypted: report.encrypted, signatures }) : null;
  if (protectedHeaders) report.protectedHeaders = protectedHeaders;
  if (complete) report.partial = (await verifyNestedSignedParts(at, walk)) && !report.signed;
  Object.assign(report, await describeContent(at.part));
  return { report, plaintext: withOuterHeaders(outer, at.part, protectedHeaders !== null), certificates };
}

/** multipart/signed (RFC 8551 section 3.5.3): verify exactly the bytes of part 1, then go into it. */
async function unwrapClearSigned<Trust>(at: Position, walk: Walk<Trust>): Promise<Unwrapped> {
  const part = at.part;
  const layer: LayerReport = { kind: 'clear-signed', partPath: outerPath(at), errors: [] };
  const [content, signaturePart] = part.children;
  if (part.children.length !== 2 || !content || !signaturePart) {
    layer.errors.push({ code: 'malformed-mime', message: `A signed message has ${part.children.length} parts instead of 2 (content and signature).` });
    return { layer, inner: null, signature: 'broken' };
  }
  const inner: Position = { part: content, prefix: at.prefix };
  const signed = entityBytes(content);
  const engine = walk.context.engine;
  try {
    const der = decodedBody(signaturePart);
    let check = await engine.verifySignedData(der, { detachedContent: signed, ...known(walk) });
    const extraReasons: string[] = [];
    if (check.signers.length > 0 && !allIntact(check)) {
      // A gateway may have turned CRLF into LF; the signature was made over CRLF (section 3.1.1).
      const canonical = toCrlf(signed);
      if (canonical !== signed) {
        const retry = await engine.verifySignedData(der, { detachedContent: canonical, ...known(walk) });
        if (retry.signers.length > 0 && allIntact(retry)) {
          check = retry;
          extraReasons.push('The line ends of the signed text were changed in transit; the signature holds over the text with its original (CRLF) line ends.');
        }
      }
    }
    return await signatureLayer(layer, check, inner, fromFor([content, part], walk), extraReasons, walk);
  } catch (error) {
    layer.errors.push(reportError(error));
    return { layer, inner, signature: 'broken' };
  }
}

/** application/pkcs7-mime (or a .p7m/.p7c/.p7z octet-stream): the ContentInfo type decides the layer. */
async function unwrapPkcs7<Trust>(at: Position, walk: Walk<Trust>): Promise<Unwrapped | null> {
  const { engine, identities } = walk.context;
  const report = walk.report;
  const der = decodedBody(at.part);
  let type: string;
  try {
    type = contentInfoType(der);
  } catch (error) {
    report.errors.push(reportError(error));
    return null;
  }
  const layer = (kind: LayerKind): LayerReport => ({ kind, partPath: outerPath(at), errors: [] });
  switch (type) {
    case OID.signedData: {
      const signed = layer('opaque-signed');
      try {
        const check = await engine.verifySignedData(der, known(walk));
        // A certificate bundle (no signers) may rightly carry no content at all.
        if (check.content === null && check.signers.length > 0) throw new SmimeError('malformed-cms', 'The signed part carries no content.');
        const inner = check.content === null ? null : contentPosition(check.content, at, signed);
        return await signatureLayer(signed, check, inner, fromFor(inner ? [inner.part, at.part] : [at.part], walk), [], walk);
      } catch (error) {
        signed.errors.push(reportError(error));
        return { layer: signed, inner: null, signature: 'broken' };
      }
    }
    case OID.envelopedData:
    case OID.authEnvelopedData: {
      const envelope = layer(type === OID.envelopedData ? 'enveloped' : 'auth-enveloped');
      report.encrypted = true;
      try {
        const opened = await engine.decryptEnvelope(der, identities);
        Object.assign(envelope, {
          contentCipher: opened.contentCipher,
          keyTransport: opened.keyTransport,
          weakCipher: opened.weakCipher,
          integrityProtected: opened.integrityProtected,
        });
        report.contentCipher ??= opened.contentCipher;
        report.keyTransport ??= opened.keyTransport;
        report.weakCipher ||= opened.weakCipher;
        return { layer: envelope, inner: contentPosition(opened.content, at, envelope), signature: null };
      } catch (error) {
        envelope.errors.push(reportError(error));
        return { layer: envelope, inner: null, signature: null };
      }
    }
    case OID.compressedData: {
      const compressed = layer('compressed');
      try {
        const inflated = await engine.decompressData(der);
        return { layer: compressed, inner: contentPosition(inflated.content, at, compressed), signature: null };
      } catch (error) {
        compressed.errors.push(reportError(error));
        return { layer: compressed, inner: null, signature: null };
      }
    }
    default:
      report.errors.push({ code: 'malformed-cms', message: `The S/MIME part holds a CMS type this reader does not open (${type}).` });
      return null;
  }
}

/**
 * A SignedData as a layer. With no SignerInfo it is a certs-only layer (RFC 8551 section 3.8),
 * never a signature, whatever its label said (the "no signers shown as signed" attack), and an
 * error when it wraps content.
 */
async function signatureLayer<Trust>(
  layer: LayerReport,
  check: SignedDataCheck,
  inner: Position | null,
  from: AddrSpec | null,
  extraReasons: string[],
  walk: Walk<Trust>,
): Promise<Unwrapped> {
  const { engine, trust } = walk.context;
  walk.certificates.push(...check.certificates);
  if (check.certificates.length > 0) layer.certificates = await summarize(check.certificates, engine);
  if (check.signers.length === 0) {
    // A bundle carries no content; content under a signature with no signers is not signed, and
    // says so (Johnny C3: Outlook and Mutt showed it as signed).
    if (inner) layer.errors.push({ code: 'malformed-cms', message: 'The message looks signed but its signature has no signers: it is not signed.' });
    layer.kind = 'certs-only';
    return { layer, inner, signature: null };
  }
  layer.signatures = await signatureReports(check, from, extraReasons, { engine, trust });
  return { layer, inner, signature: allIntact(check) ? 'intact' : 'broken' };
}

const allIntact = (check: SignedDataCheck) => check.signers.every((s) => s.intact);
const isEncryption = (layer: LayerReport) => layer.kind === 'enveloped' || layer.kind === 'auth-enveloped';

/**
 * Marks each signature layer of the walk (outermost first) with what its signers signed: a layer
 * outside an encryption layer signed only ciphertext (E10, message takeover). Returns whether any
 * signature layer covers the content itself.
 */
function markWhatSignersSigned(layers: LayerReport[]): boolean {
  const innermostEnvelope = layers.findLastIndex(isEncryption);
  let contentSigned = false;
  layers.forEach((layer, index) => {
    if (!layer.signatures) return;
    layer.signs = index < innermostEnvelope ? 'encrypted-content' : 'content';
    contentSigned ||= layer.signs === 'content';
  });
  return contentSigned;
}

/** What protects decrypted content against change (see MessageReport.encryptionIntegrity). */
function encryptionIntegrity(layers: LayerReport[], signaturesHeld: boolean): MessageReport['encryptionIntegrity'] {
  if (!layers.some(isEncryption)) return null;
  const innermostCbc = layers.findLastIndex((layer) => isEncryption(layer) && layer.integrityProtected !== true);
  if (innermostCbc < 0) return 'aead';
  const signedInside = layers.slice(innermostCbc + 1).some((layer) => (layer.signatures?.length ?? 0) > 0);
  return signedInside && signaturesHeld ? 'signed-inside' : 'none';
}

/** The content of a CMS layer as MIME; on a parse failure the error goes on the layer and the walk stops there. */
function contentPosition(content: Uint8Array, at: Position, layer: LayerReport): Position | null {
  try {
    return { part: parseMime(content), prefix: outerPath(at) };
  } catch (error) {
    layer.errors.push(reportError(error));
    return null;
  }
}

/**
 * The From to compare signers with: the innermost entity that has From fields (RFC 9788 header
 * protection puts them inside), else the outer message's.
 */
function fromFor<Trust>(entities: MimePart[], walk: Walk<Trust>): AddrSpec | null {
  for (const entity of entities) {
    const fields = headerValues(entity, 'from');
    if (fields.length > 0) return singleFromAddress(fields);
  }
  return singleFromAddress(walk.outerFrom);
}

/**
 * Verifies every S/MIME multipart/signed below the shown root (M1: text prepended in a
 * multipart/mixed; M4: the signed part as an attachment) and reports each as a layer. Returns
 * whether any was found. Encrypted parts down there are left alone, and the report says why
 * (EFAIL: ciphertext wrapped into someone else's message must never be decrypted into it).
 */
async function verifyNestedSignedParts<Trust>(root: Position, walk: Walk<Trust>): Promise<boolean> {
  let found = false;
  const visit = async (part: MimePart) => {
    for (const child of part.children) {
      if (smimeEntityKind(child) === 'multipart-signed') {
        found = true;
        const step = await unwrapClearSigned({ part: child, prefix: root.prefix }, walk);
        walk.report.layers.push(step.layer);
        walk.report.errors.push(...step.layer.errors);
      } else if (smimeEntityKind(child) === 'pkcs7-mime') {
        const path = joinPath(root.prefix, child.partPath);
        walk.report.errors.push({
          code: 'not-at-root',
          message: `The S/MIME part ${path} inside this message was not opened: only a message that is protected as a whole is decrypted or verified.`,
        });
      } else await visit(child);
    }
  };
  await visit(root.part);
  return found;
}

/**
 * The shown entity under the outer message's header fields (all but Content-*, and those the
 * entity repeats). With header protection the outer user-facing fields are dropped even when the
 * entity lacks them: an outer Cc or Reply-To the sender did not protect was not the sender's (RFC 9788).
 */
function withOuterHeaders(outer: MimePart, shown: MimePart, headerProtection: boolean): Uint8Array {
  if (shown === outer) return entityBytes(outer);
  const own = new Set(shown.headers.map((h) => h.key));
  const lines = outer.headers
    .filter((h) => !h.key.startsWith('content-') && !own.has(h.key) && !(headerProtection && isProtectedField(h.key)))
    .map((h) => outer.source.subarray(h.start, h.end));
  const shownBytes = entityBytes(shown);
  const length = lines.reduce((n, l) => n + l.length + 2, 0) + shownBytes.length;
  const out = new Uint8Array(length);
  let o = 0;
  for (const line of lines) {
    out.set(line, o);
    out.set([0x0d, 0x0a], o + line.length);
    o += line.length + 2;
  }
  out.set(shownBytes, o);
  return out;
}

/** A coded error as a report entry; anything else is a programming error and is rethrown. */
function reportError(error: unknown): ReportError {
  if (isSmimeError(error)) return { code: error.code, message: error.message };
  throw error;
}
