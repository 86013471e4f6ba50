// Builds RFC 5322 / MIME messages as bytes, for seeding mailboxes and crafting test mail:
// CRLF line ends, 7-bit transfer encodings, RFC 2047 encoded words for non-ASCII headers,
// RFC 2231 for non-ASCII attachment names. No S/MIME here: lib/smime builds protected mail.
import crypto from 'node:crypto';

/**
 * @typedef {string | { name?: string, address: string }} Address
 * @typedef {{ filename: string, contentType: string, content: Buffer, inline?: boolean, cid?: string }} Attachment
 * @typedef {object} MessageSpec
 * @property {Address} from
 * @property {Address[]} [to]
 * @property {Address[]} [cc]
 * @property {Address[]} [replyTo]
 * @property {string} subject
 * @property {Date} date
 * @property {string} [text]
 * @property {string} [html]
 * @property {Attachment[]} [attachments]
 * @property {string} [messageId]  without angle brackets
 * @property {string} [inReplyTo]  without angle brackets
 * @property {string[]} [references] without angle brackets
 * @property {[string, string][]} [extraHeaders] already encoded header name/value pairs
 */

const CRLF = '\r\n';
const isAscii = (s) => /^[\x20-\x7e]*$/.test(s);

/** RFC 5322 date-time, in UTC. */
export function formatDate(date) {
  const days = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
  const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
  const p = (n) => String(n).padStart(2, '0');
  return `${days[date.getUTCDay()]}, ${p(date.getUTCDate())} ${months[date.getUTCMonth()]} ${date.getUTCFullYear()} ` +
    `${p(date.getUTCHours())}:${p(date.getUTCMinutes())}:${p(date.getUTCSeconds())} +0000`;
}

/**
 * RFC 2047 "B" encoded words, each at most 75 characters, never splitting a UTF-8 character.
 * @returns {string[]} the words, to be joined by folding white space
 */
export function encodedWords(text) {
  const words = [];
  let chunk = '';
  for (const ch of text) {
    // =?UTF-8?B?...?= is 12 characters of wrapping; 45 bytes of UTF-8 make 60 of base64.
    if (Buffer.byteLength(chunk + ch) > 45) {
      words.push(chunk);
      chunk = '';
    }
    chunk += ch;
  }
  if (chunk) words.push(chunk);
  return words.map((w) => `=?UTF-8?B?${Buffer.from(w, 'utf8').toString('base64')}?=`);
}

/** An unstructured header value (Subject): folded, encoded when not ASCII. */
function unstructured(value) {
  if (isAscii(value) && !/=\?/.test(value)) return foldWords(value.split(' '));
  return encodedWords(value).join(`${CRLF} `);
}

function foldWords(words, first = 0) {
  let line = first;
  let out = '';
  for (const [i, w] of words.entries()) {
    if (i > 0 && line + w.length + 1 > 76) {
      out += `${CRLF} `;
      line = 1;
    } else if (i > 0) {
      out += ' ';
      line += 1;
    }
    out += w;
    line += w.length;
  }
  return out;
}

function formatAddress(a) {
  if (typeof a === 'string') return a;
  if (!a.name) return a.address;
  if (!isAscii(a.name)) return `${encodedWords(a.name).join(' ')} <${a.address}>`;
  const atom = /^[A-Za-z0-9!#$%&'*+\-/=?^_`{|}~ ]+$/.test(a.name);
  return `${atom ? a.name : `"${a.name.replace(/(["\\])/g, '\\$1')}"`} <${a.address}>`;
}

const addressList = (list) => foldWords(list.map(formatAddress).map((a, i, all) => (i < all.length - 1 ? `${a},` : a)));

/** Quoted-printable (RFC 2045 §6.7) of UTF-8 text with CRLF line ends. */
export function quotedPrintable(text) {
  const lines = text.replace(/\r?\n/g, '\n').split('\n');
  return lines
    .map((line) => {
      const bytes = Buffer.from(line, 'utf8');
      let out = '';
      let width = 0;
      for (let i = 0; i < bytes.length; i++) {
        const b = bytes[i];
        const last = i === bytes.length - 1;
        const plain = (b >= 33 && b <= 126 && b !== 61) || ((b === 32 || b === 9) && !last);
        const piece = plain ? String.fromCharCode(b) : `=${b.toString(16).toUpperCase().padStart(2, '0')}`;
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

export function base64Lines(buf) {
  return buf.toString('base64').replace(/.{76}/g, `$&${CRLF}`).replace(/\r\n$/, '');
}

// Content-Disposition filename: RFC 2231 when not ASCII.
function headerParam(name, value) {
  if (isAscii(value) && !/["\\]/.test(value)) return `${name}="${value}"`;
  return `${name}*=UTF-8''${encodeURIComponent(value).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)}`;
}

function boundaryFor(seed, n) {
  // "=_" never occurs in quoted-printable or base64 bodies, so it cannot collide with content.
  return `=_sp_${crypto.createHash('sha256').update(`${seed}/${n}`).digest('hex').slice(0, 24)}`;
}

/** A MIME entity: headers (already formatted lines) and a body. */
const entity = (headers, body) => ({ headers, body });

function textPart(subtype, text) {
  return entity(
    [`Content-Type: text/${subtype}; charset=utf-8`, 'Content-Transfer-Encoding: quoted-printable'],
    quotedPrintable(text),
  );
}

function attachmentPart(a) {
  // Content-Type name: an encoded word, which older readers expect instead of RFC 2231.
  const nameParam = isAscii(a.filename) ? headerParam('name', a.filename) : `name="${encodedWords(a.filename).join(' ')}"`;
  const disposition = `${a.inline || a.cid ? 'inline' : 'attachment'}; ${headerParam('filename', a.filename)}`;
  const headers = [`Content-Type: ${a.contentType}; ${nameParam}`, `Content-Disposition: ${disposition}`];
  if (a.cid) headers.push(`Content-ID: <${a.cid}>`);
  if (a.contentType === 'message/rfc822') {
    return entity([...headers, 'Content-Transfer-Encoding: 7bit'], a.content.toString('latin1').replace(/\r\n$/, ''));
  }
  return entity([...headers, 'Content-Transfer-Encoding: base64'], base64Lines(a.content));
}

function multipart(subtype, parts, boundary) {
  const body = parts.map((p) => `--${boundary}${CRLF}${serialize(p)}`).join(CRLF) + `${CRLF}--${boundary}--`;
  return entity([`Content-Type: multipart/${subtype};${CRLF} boundary="${boundary}"`], body);
}

const serialize = (e) => `${e.headers.join(CRLF)}${CRLF}${CRLF}${e.body}`;

/**
 * @param {MessageSpec} spec
 * @returns {Buffer}
 */
export function buildMessage(spec) {
  const messageId = spec.messageId ?? `${crypto.randomUUID()}@sealpost.test`;
  let n = 0;
  const boundary = () => boundaryFor(messageId, n++);
  const attachments = spec.attachments ?? [];
  const inline = attachments.filter((a) => a.cid);
  const files = attachments.filter((a) => !a.cid);

  let htmlEntity = spec.html !== undefined ? textPart('html', spec.html) : null;
  if (htmlEntity && inline.length) htmlEntity = multipart('related', [htmlEntity, ...inline.map(attachmentPart)], boundary());
  const textEntity = spec.text !== undefined || !htmlEntity ? textPart('plain', spec.text ?? '') : null;
  let body = textEntity && htmlEntity ? multipart('alternative', [textEntity, htmlEntity], boundary()) : (htmlEntity ?? textEntity);
  if (files.length) body = multipart('mixed', [body, ...files.map(attachmentPart)], boundary());

  const headers = [
    `From: ${formatAddress(spec.from)}`,
    ...(spec.to?.length ? [`To: ${addressList(spec.to)}`] : []),
    ...(spec.cc?.length ? [`Cc: ${addressList(spec.cc)}`] : []),
    ...(spec.replyTo?.length ? [`Reply-To: ${addressList(spec.replyTo)}`] : []),
    `Subject: ${unstructured(spec.subject)}`,
    `Date: ${formatDate(spec.date)}`,
    `Message-ID: <${messageId}>`,
    ...(spec.inReplyTo ? [`In-Reply-To: <${spec.inReplyTo}>`] : []),
    ...(spec.references?.length ? [`References: ${foldWords(spec.references.map((r) => `<${r}>`), 12)}`] : []),
    ...(spec.extraHeaders ?? []).map(([k, v]) => `${k}: ${v}`),
    'MIME-Version: 1.0',
    ...body.headers,
  ];
  return Buffer.from(`${headers.join(CRLF)}${CRLF}${CRLF}${body.body}${CRLF}`, 'latin1');
}
