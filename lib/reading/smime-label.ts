// What a message's top-level Content-Type says about S/MIME (RFC 8551 section 3.10), before any
// CMS is parsed: the list's marks (from BODYSTRUCTURE, on the server) and the reader's choice to
// fetch the whole source and run lib/smime. Labels are only a hint; lib/smime decides what the
// message really is from its ContentInfo.

export type SmimeLabel = 'signed' | 'encrypted';

const PKCS7_MIME = new Set(['application/pkcs7-mime', 'application/x-pkcs7-mime']);
const PKCS7_SIGNATURE = new Set(['application/pkcs7-signature', 'application/x-pkcs7-signature']);

export interface ContentTypeLabel {
  /** Lower-case type/subtype. */
  type: string;
  /** Parameters with lower-case names (smime-type, protocol, name). */
  params: Record<string, string | undefined>;
  /** The Content-Disposition filename, for octet-stream parts Microsoft names *.p7m. */
  filename?: string;
  /** For multipart/signed: the second part's type, when known (BODYSTRUCTURE), for a missing protocol. */
  secondPartType?: string;
}

/**
 * signed: multipart/signed with a PKCS#7 signature protocol, or pkcs7-mime with smime-type
 * signed-data (opaque signing). encrypted: enveloped-data, authEnveloped-data, an unknown or
 * missing smime-type, and application/octet-stream named *.p7m (what it is shows only on reading).
 * null: anything else, PGP/MIME and certificate bundles included.
 */
export function smimeLabel({ type, params, filename, secondPartType }: ContentTypeLabel): SmimeLabel | null {
  const t = type.trim().toLowerCase();
  if (t === 'multipart/signed') {
    const protocol = (params.protocol ?? '').trim().toLowerCase();
    return PKCS7_SIGNATURE.has(protocol) || (!protocol && PKCS7_SIGNATURE.has((secondPartType ?? '').toLowerCase())) ? 'signed' : null;
  }
  if (PKCS7_MIME.has(t)) {
    const smimeType = (params['smime-type'] ?? '').trim().toLowerCase();
    if (smimeType === 'signed-data') return 'signed';
    if (smimeType === 'certs-only' || smimeType === 'compressed-data') return null;
    return 'encrypted';
  }
  if (t === 'application/octet-stream' && /\.p7m$/i.test((filename || params.name || '').trim())) return 'encrypted';
  return null;
}

/** Header bytes searched for the top-level Content-Type (parseMessage reads no more either). */
export const MAX_LABEL_HEADER_BYTES = 256 * 1024;

/**
 * The top-level Content-Type (and Content-Disposition filename) of a raw RFC 5322 message, from
 * its header alone. Unfolds lines (RFC 5322 section 2.2.3); parameters per RFC 2045 section 5.1,
 * quoted strings unescaped; RFC 2231 continuations are not joined (S/MIME labels never need them).
 */
export function messageContentType(raw: Uint8Array): ContentTypeLabel {
  const end = Math.min(raw.length, MAX_LABEL_HEADER_BYTES);
  let headerEnd = end;
  for (let i = 0; i + 1 < end; i++) {
    if (raw[i] === 0x0a && (raw[i + 1] === 0x0a || (raw[i + 1] === 0x0d && raw[i + 2] === 0x0a))) {
      headerEnd = i;
      break;
    }
  }
  const header = new TextDecoder('latin1').decode(raw.subarray(0, headerEnd)).replace(/\r?\n[ \t]/g, ' ');
  const field = (name: string) => {
    const line = header.split(/\r?\n/).find((l) => l.slice(0, name.length + 1).toLowerCase() === `${name}:`);
    return line === undefined ? null : line.slice(name.length + 1);
  };
  const contentType = parseFieldValue(field('content-type') ?? 'text/plain');
  const disposition = parseFieldValue(field('content-disposition') ?? '');
  return { type: contentType.value, params: contentType.params, filename: disposition.params.filename };
}

/** `value; name=token; name="quoted"` into a lower-case value and its parameters. */
function parseFieldValue(text: string): { value: string; params: Record<string, string> } {
  const params: Record<string, string> = {};
  const semicolon = text.indexOf(';');
  const value = (semicolon < 0 ? text : text.slice(0, semicolon)).trim().toLowerCase();
  if (semicolon >= 0) {
    const rest = text.slice(semicolon);
    const re = /;\s*([^\s=;]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^\s;]*))/g;
    for (let m = re.exec(rest); m; m = re.exec(rest)) {
      const name = m[1]!.toLowerCase();
      if (!(name in params)) params[name] = m[2] !== undefined ? m[2].replace(/\\(.)/g, '$1') : (m[3] ?? '');
    }
  }
  return { value, params };
}

/**
 * Whether the reader must run lib/smime on this message: it is S/MIME by its label, or an
 * octet-stream named like a signature (.p7s) or bundle (.p7c, .p7z) that lib/smime may recognise.
 */
export function isSmimeMessage(raw: Uint8Array): boolean {
  const label = messageContentType(raw);
  // Every multipart/signed: lib/smime also accepts one whose protocol is missing but whose second
  // part is a PKCS#7 signature (and reports nothing for PGP/MIME).
  if (label.type === 'multipart/signed' || PKCS7_MIME.has(label.type)) return true;
  return label.type === 'application/octet-stream' && /\.p7[mscz]$/i.test((label.filename || label.params.name || '').trim());
}

/** Body bytes searched for a nested multipart/signed part (messages read whole are smaller). */
export const MAX_NESTED_SEARCH_BYTES = 8 * 1024 * 1024;

const NESTED_SIGNED = /^content-type:[ \t]*(?:\r?\n[ \t]+)?multipart\/signed\b/im;

/**
 * A multipart/signed part below an unsigned root: the "Johnny, You Are Fired" M1-M4 wrappings
 * (text prepended, the signed part hidden, cid:-referenced or attached). lib/smime must read such
 * a message so the banner says it is only partly signed; a false hit costs a read that reports nothing.
 */
export function hasNestedSignedPart(raw: Uint8Array): boolean {
  const text = new TextDecoder('latin1').decode(raw.subarray(0, MAX_NESTED_SEARCH_BYTES));
  const gap = /\r?\n\r?\n/.exec(text);
  return gap !== null && NESTED_SIGNED.test(text.slice(gap.index + gap[0].length));
}
