// Builds RFC 5322 / MIME messages as bytes, for seeding mailboxes and crafting test mail.
// Output is 7-bit: CRLF line ends, no line over 78 characters except where a single token is
// longer, quoted-printable or base64 bodies, RFC 2047 encoded words for non-ASCII headers and
// RFC 2231 for non-ASCII file names. No S/MIME here: lib/smime builds protected mail.
import crypto from 'node:crypto';

/**
 * @typedef {string | { name?: string, address: string }} Address  a bare ASCII address or name + address
 * @typedef {object} Attachment
 * @property {string} filename
 * @property {string} contentType  e.g. "application/pdf" or "text/csv; charset=utf-8"
 * @property {Buffer | Uint8Array | string} content  a string is taken as UTF-8
 * @property {boolean} [inline]  Content-Disposition: inline (implied by cid)
 * @property {string} [cid]  Content-ID without angle brackets; with an html body it goes into multipart/related
 * @typedef {object} MessageSpec
 * @property {Address} from
 * @property {Address | Address[]} [to]
 * @property {Address | Address[]} [cc]
 * @property {Address | Address[]} [replyTo]
 * @property {string} subject
 * @property {Date} [date]  defaults to the current time
 * @property {string} [text]
 * @property {string} [html]
 * @property {Attachment[]} [attachments]
 * @property {string} [messageId]  with or without angle brackets; defaults to a random one
 * @property {string} [inReplyTo]
 * @property {string[]} [references]
 * @property {[string, string][]} [extraHeaders]  name/value pairs; values must be ASCII (use encodeWords)
 */

const CRLF = '\r\n';
/** RFC 5322 §2.1.1: lines SHOULD stay within 78 characters; we fold at 76 to match RFC 2047 §2. */
const FOLD_AT = 76;
/** RFC 5322 §2.1.1: a line MUST NOT exceed 998 characters, excluding the CRLF. */
export const MAX_LINE_OCTETS = 998;

const SPEC_KEYS = new Set(['from', 'to', 'cc', 'replyTo', 'subject', 'date', 'text', 'html', 'attachments', 'messageId', 'inReplyTo', 'references', 'extraHeaders']);
const ATTACHMENT_KEYS = new Set(['filename', 'contentType', 'content', 'inline', 'cid']);

const isPrintableAscii = (s) => /^[\x20-\x7e]*$/.test(s);

function checkKeys(obj, allowed, what) {
  for (const key of Object.keys(obj)) if (!allowed.has(key)) throw new TypeError(`${what}: unknown option "${key}"`);
}

/** RFC 5322 §3.3 date-time, in UTC ("Mon, 23 Nov 2026 08:21:28 +0000"). */
export function formatDate(date) {
  if (!(date instanceof Date) || !Number.isFinite(date.getTime())) throw new TypeError('formatDate: not a valid Date');
  const days = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
  const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
  const p = (n) => String(n).padStart(2, '0');
  return `${days[date.getUTCDay()]}, ${p(date.getUTCDate())} ${months[date.getUTCMonth()]} ${date.getUTCFullYear()} ` +
    `${p(date.getUTCHours())}:${p(date.getUTCMinutes())}:${p(date.getUTCSeconds())} +0000`;
}

/**
 * RFC 2047 "B" encoded words of UTF-8 text, never splitting a character across words.
 * 39 bytes make 52 base64 characters, so a word is 64 characters: with "Subject: " or a folding
 * space in front, every line stays within the 76 that RFC 2047 §2 allows.
 * @returns {string[]} the words, to be separated by (folding) white space
 */
export function encodeWords(text) {
  const words = [];
  let chunk = '';
  for (const ch of text) {
    if (chunk && Buffer.byteLength(chunk + ch) > 39) {
      words.push(chunk);
      chunk = '';
    }
    chunk += ch;
  }
  if (chunk || !words.length) words.push(chunk);
  return words.map((w) => `=?UTF-8?B?${Buffer.from(w, 'utf8').toString('base64')}?=`);
}

/**
 * One header field, folded (RFC 5322 §2.2.3) before tokens that would pass column 76.
 * @param {string} name
 * @param {string[]} tokens  pieces separated by one space, the only places a fold may go
 */
function headerLine(name, tokens) {
  let out = `${name}:`;
  let width = out.length;
  for (const token of tokens) {
    if (width + 1 + token.length > FOLD_AT && width > name.length + 1) {
      out += `${CRLF} ${token}`;
      width = 1 + token.length;
    } else {
      out += ` ${token}`;
      width += 1 + token.length;
    }
    if (width > MAX_LINE_OCTETS) throw new RangeError(`header ${name}: a token too long to fold`);
  }
  return out;
}

/** Tokens of an unstructured value (Subject): as is when printable ASCII, else encoded words. */
function unstructuredTokens(value) {
  // "=?" would read as an encoded word; very long words cannot be folded.
  if (isPrintableAscii(value) && !value.includes('=?') && value.split(' ').every((w) => w.length < 900)) return value.split(' ');
  return encodeWords(value);
}

const ADDR_SPEC = /^[A-Za-z0-9!#$%&'*+/=?^_`{|}~.-]+@[A-Za-z0-9.-]+$/;

function normalizeAddress(a) {
  const addr = typeof a === 'string' ? { address: a } : a;
  if (!addr || typeof addr.address !== 'string' || !ADDR_SPEC.test(addr.address)) {
    throw new TypeError(`not a supported address: ${JSON.stringify(a)}`);
  }
  return addr;
}

/** RFC 5322 §3.4 mailbox as tokens: a phrase (atoms, a quoted string or encoded words) and <addr-spec>. */
function mailboxTokens(a) {
  const { name, address } = normalizeAddress(a);
  if (!name) return [address];
  let phrase;
  if (!isPrintableAscii(name) || name.includes('=?')) phrase = encodeWords(name);
  else if (/^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+( [A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*$/.test(name)) phrase = name.split(' ');
  else phrase = [`"${name.replace(/(["\\])/g, '\\$1')}"`];
  return [...phrase, `<${address}>`];
}

function addressListTokens(list) {
  const all = [list].flat();
  return all.flatMap((a, i) => {
    const tokens = mailboxTokens(a);
    if (i < all.length - 1) tokens[tokens.length - 1] += ',';
    return tokens;
  });
}

/** A msg-id (RFC 5322 §3.6.4) without its angle brackets. */
function bareId(id) {
  const bare = String(id).replace(/^<|>$/g, '');
  if (!/^[\x21-\x7e]+@[\x21-\x7e]+$/.test(bare) || /[<>\s]/.test(bare)) throw new TypeError(`not a message id: ${id}`);
  return bare;
}

/** Converts any line ends to CRLF. */
const toCrlf = (text) => text.replace(/\r\n|\r|\n/g, CRLF);

/** Quoted-printable (RFC 2045 §6.7) of UTF-8 text; line breaks become CRLF, lines stay within 76. */
export function quotedPrintable(text) {
  return toCrlf(text)
    .split(CRLF)
    .map((line) => {
      const bytes = Buffer.from(line, 'utf8');
      let out = '';
      let width = 0;
      for (let i = 0; i < bytes.length; i++) {
        const b = bytes[i];
        // Rule 3: white space is literal except at the end of a line.
        const literal = (b >= 33 && b <= 126 && b !== 61) || ((b === 32 || b === 9) && i < bytes.length - 1);
        const piece = literal ? String.fromCharCode(b) : `=${b.toString(16).toUpperCase().padStart(2, '0')}`;
        // Rule 5: at most 76 characters per line, the soft break "=" included.
        if (width + piece.length > 75) {
          out += `=${CRLF}`;
          width = 0;
        }
        out += piece;
        width += piece.length;
      }
      return out;
    })
    .join(CRLF);
}

/** Base64 (RFC 2045 §6.8) in lines of 76 characters. */
export function base64Lines(bytes) {
  return Buffer.from(bytes).toString('base64').replace(/.{76}(?=.)/g, `$&${CRLF}`);
}

/**
 * A Content-Type or Content-Disposition parameter: quoted when printable ASCII, otherwise
 * RFC 2231 extended (charset'language'percent-encoded), split into numbered sections (§3)
 * so that no line grows long.
 * @returns {string[]} one or more "name=value" tokens
 */
function paramTokens(name, value) {
  if (isPrintableAscii(value) && !/["\\]/.test(value) && value.length < 60) return [`${name}="${value}"`];
  const encoded = `UTF-8''${[...Buffer.from(value, 'utf8')]
    .map((b) => (/[A-Za-z0-9!#$&+.^_`|~-]/.test(String.fromCharCode(b)) ? String.fromCharCode(b) : `%${b.toString(16).toUpperCase().padStart(2, '0')}`))
    .join('')}`;
  if (encoded.length <= 60) return [`${name}*=${encoded}`];
  const sections = encoded.match(/(?:%[0-9A-F]{2}|[^%]){1,20}/g) ?? [];
  // Never end a section inside a %XX triplet: the regex takes whole triplets only.
  return sections.map((s, i) => `${name}*${i}*=${s}`);
}

/**
 * Joins header parameters: ';' after each but the last.
 * @param {(string | string[])[]} params  a parameter is one token or several (foldable between them)
 * @returns {string[]} tokens
 */
const withSemicolons = (params) =>
  params.flatMap((p, i) => {
    const tokens = [p].flat();
    return i < params.length - 1 ? [...tokens.slice(0, -1), `${tokens.at(-1)};`] : tokens;
  });

const entity = (headers, body) => ({ headers, body });
const serialize = (e) => `${e.headers.join(CRLF)}${CRLF}${CRLF}${e.body}`;

function textEntity(subtype, text) {
  const crlf = toCrlf(text);
  // Plain ASCII with short lines needs no encoding at all, as most mailers send it.
  const sevenBit = /^[\x20-\x7e\t\r\n]*$/.test(crlf) && crlf.split(CRLF).every((l) => l.length <= FOLD_AT && !/[ \t]$/.test(l));
  return entity(
    [`Content-Type: text/${subtype}; charset=utf-8`, `Content-Transfer-Encoding: ${sevenBit ? '7bit' : 'quoted-printable'}`],
    sevenBit ? crlf : quotedPrintable(text),
  );
}

function attachmentEntity(a) {
  checkKeys(a, ATTACHMENT_KEYS, 'attachment');
  if (typeof a.filename !== 'string' || !a.filename) throw new TypeError('attachment: filename is required');
  if (!/^[\w.+-]+\/[\w.+-]+(;.*)?$/.test(a.contentType ?? '') || !isPrintableAscii(a.contentType)) {
    throw new TypeError(`attachment ${a.filename}: bad contentType "${a.contentType}"`);
  }
  const content = typeof a.content === 'string' ? Buffer.from(a.content, 'utf8') : Buffer.from(a.content ?? []);
  // Content-Type "name" as encoded words too: older readers look only there (RFC 2231 is newer).
  // Folding between the words inside the quotes is allowed (RFC 5322 §3.2.4) and keeps lines short.
  const name = isPrintableAscii(a.filename) && !/["\\]/.test(a.filename) && a.filename.length < 60
    ? [`name="${a.filename}"`]
    : `name="${encodeWords(a.filename).join(' ')}"`.split(' ');
  const type = a.contentType.split(';').map((s) => s.trim()).filter(Boolean);
  const headers = [
    headerLine('Content-Type', withSemicolons([...type, name])),
    headerLine('Content-Disposition', withSemicolons([a.inline || a.cid ? 'inline' : 'attachment', ...paramTokens('filename', a.filename)])),
  ];
  if (a.cid) headers.push(`Content-ID: <${bareId(a.cid)}>`);
  if (/^message\/rfc822\b/i.test(a.contentType)) {
    // RFC 2046 §5.2.1: no base64 for message/rfc822; the message goes in as is, in canonical CRLF form.
    const raw = toCrlf(content.toString('latin1')).replace(/\r\n$/, '');
    if (raw.includes('\0') || raw.split(CRLF).some((l) => l.length > MAX_LINE_OCTETS)) {
      throw new RangeError(`attachment ${a.filename}: the message has NUL bytes or over-long lines`);
    }
    headers.push(`Content-Transfer-Encoding: ${/[\x80-\xff]/.test(raw) ? '8bit' : '7bit'}`);
    return entity(headers, raw);
  }
  headers.push('Content-Transfer-Encoding: base64');
  return entity(headers, base64Lines(content));
}

/**
 * @param {string} subtype
 * @param {{ headers: string[], body: string }[]} parts
 * @param {() => string} nextBoundary
 * @param {string[]} [params] extra Content-Type parameters
 */
function multipartEntity(subtype, parts, nextBoundary, params = []) {
  const serialized = parts.map(serialize);
  let boundary = nextBoundary();
  // RFC 2046 §5.1.1: the boundary must not occur in any part. Ours are hash-like and "=_"
  // cannot appear in quoted-printable or base64, but 7bit text and message/rfc822 parts can hold anything.
  while (serialized.some((s) => s.includes(boundary))) boundary = nextBoundary();
  const body = serialized.map((s) => `--${boundary}${CRLF}${s}${CRLF}`).join('') + `--${boundary}--`;
  return entity([headerLine('Content-Type', withSemicolons([`multipart/${subtype}`, ...params, `boundary="${boundary}"`]))], body);
}

/**
 * Builds one message. text + html become multipart/alternative; attachments with a `cid` next to
 * an html body go into multipart/related (RFC 2387); other attachments make it multipart/mixed.
 * Unknown options throw.
 * @param {MessageSpec} spec
 * @returns {Buffer}
 */
export function buildMessage(spec) {
  checkKeys(spec, SPEC_KEYS, 'buildMessage');
  if (typeof spec.subject !== 'string') throw new TypeError('buildMessage: subject is required');
  const from = normalizeAddress(spec.from);
  const date = spec.date ?? new Date();
  const messageId = spec.messageId ? bareId(spec.messageId) : `${crypto.randomUUID()}@${from.address.split('@')[1]}`;
  let boundaryCount = 0;
  // Derived from the Message-ID, so the same spec always gives the same bytes.
  const nextBoundary = () =>
    `=_sp_${crypto.createHash('sha256').update(`${messageId}/${boundaryCount++}`).digest('hex').slice(0, 28)}`;

  const attachments = spec.attachments ?? [];
  const related = spec.html !== undefined ? attachments.filter((a) => a.cid) : [];
  const files = attachments.filter((a) => !related.includes(a));

  let html = spec.html !== undefined ? textEntity('html', spec.html) : null;
  if (html && related.length) {
    html = multipartEntity('related', [html, ...related.map(attachmentEntity)], nextBoundary, ['type="text/html"']);
  }
  const text = spec.text !== undefined || !html ? textEntity('plain', spec.text ?? '') : null;
  let body = text && html ? multipartEntity('alternative', [text, html], nextBoundary) : (html ?? text);
  if (files.length) body = multipartEntity('mixed', [body, ...files.map(attachmentEntity)], nextBoundary);

  const optional = (name, value, tokens) => (value === undefined || (Array.isArray(value) && !value.length) ? [] : [headerLine(name, tokens(value))]);
  const headers = [
    headerLine('Date', [formatDate(date)]),
    headerLine('From', mailboxTokens(from)),
    ...optional('To', spec.to, addressListTokens),
    ...optional('Cc', spec.cc, addressListTokens),
    ...optional('Reply-To', spec.replyTo, addressListTokens),
    headerLine('Subject', unstructuredTokens(spec.subject)),
    headerLine('Message-ID', [`<${messageId}>`]),
    ...optional('In-Reply-To', spec.inReplyTo, (id) => [`<${bareId(id)}>`]),
    ...optional('References', spec.references, (ids) => ids.map((id) => `<${bareId(id)}>`)),
    ...(spec.extraHeaders ?? []).map(([name, value]) => extraHeader(name, value)),
    'MIME-Version: 1.0',
    ...body.headers,
  ];
  return Buffer.from(`${headers.join(CRLF)}${CRLF}${CRLF}${body.body}${CRLF}`, 'latin1');
}

function extraHeader(name, value) {
  if (!/^[\x21-\x39\x3b-\x7e]+$/.test(name)) throw new TypeError(`bad header name "${name}"`);
  const v = String(value);
  // Already folded values must fold correctly: every line break followed by white space.
  if (/[\r\n]/.test(v)) {
    if (!/^[\x20-\x7e\t]*(\r\n[ \t][\x20-\x7e\t]*)*$/.test(v)) throw new TypeError(`header ${name}: bad line breaks`);
    return `${name}: ${v}`;
  }
  if (!/^[\x20-\x7e\t]*$/.test(v)) throw new TypeError(`header ${name}: value must be ASCII (use encodeWords)`);
  return headerLine(name, v.split(' '));
}
