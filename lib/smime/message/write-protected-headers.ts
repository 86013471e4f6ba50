// RFC 9788 header protection, when writing: the user-facing header fields are copied into the
// Cryptographic Payload (the entity inside every signature and encryption layer) and its
// Content-Type says so with hp="clear" (signed only) or hp="cipher" (encrypted). With "cipher"
// the payload also records, as HP-Outer fields, what stays outside, so a reader can tell a
// sender's choice (an obscured Subject) from a change in transit (section 2.2).
import { SmimeError } from '../errors';
import { CRLF, ascii, joinBytes } from '../mime/build-mime';
import { PROTECTED_FIELDS } from './protected-headers';

/** How a message's header fields are protected; hideSubject sends "[...]" as the outer Subject. */
export type HeaderProtection = { mode: 'clear' } | { mode: 'cipher'; hideSubject: boolean };

/** The obscured Subject RFC 9788 section 5.2 recommends. */
export const OBSCURED_SUBJECT = '[...]';

const PROTECTED_KEYS = new Set<string>(PROTECTED_FIELDS.map((f) => f.toLowerCase()));

// Field values stay bytes: a TextDecoder('latin1') is windows-1252 in browsers (0x80-0x9F become
// other code points), which would corrupt an 8-bit (RFC 6532) field copied into HP-Outer.
const asciiText = new TextDecoder('ascii');
const fieldName = (field: Uint8Array) => {
  const colon = field.indexOf(0x3a);
  return asciiText.decode(field.subarray(0, colon < 0 ? 0 : colon)).trim();
};

/**
 * The outer header fields to send and the payload's own header lines, from the message's outer
 * fields and its content (Content-*) fields, each a whole field without its final CRLF.
 */
export function protectHeaders(
  outer: Uint8Array[],
  content: Uint8Array[],
  protection: HeaderProtection,
): { outer: Uint8Array[]; payloadHeaders: Uint8Array[] } {
  const userFacing = outer.filter((field) => PROTECTED_KEYS.has(fieldName(field).toLowerCase()));
  const hideSubject = protection.mode === 'cipher' && protection.hideSubject;
  const sentOuter = hideSubject ? outer.map((field) => (fieldName(field).toLowerCase() === 'subject' ? ascii(`Subject: ${OBSCURED_SUBJECT}`) : field)) : outer;
  const hpOuter =
    protection.mode === 'cipher'
      ? sentOuter.filter((field) => PROTECTED_KEYS.has(fieldName(field).toLowerCase())).map((field) => joinBytes(['HP-Outer: ', unfolded(field)]))
      : [];
  const payloadHeaders = [...userFacing, ...content.map((field) => withHpParameter(field, protection.mode)), ...hpOuter];
  return { outer: sentOuter, payloadHeaders };
}

/** Content-Type gains hp="…"; the other content fields pass unchanged. */
function withHpParameter(field: Uint8Array, mode: HeaderProtection['mode']): Uint8Array {
  if (fieldName(field).toLowerCase() !== 'content-type') return field;
  if (/;\s*hp\s*=/i.test(asciiText.decode(field))) throw new SmimeError('invalid-argument', 'The message already declares header protection (hp) on its content.');
  return joinBytes([field, `;${CRLF} hp="${mode}"`]);
}

/** A folded field as one line (its CRLFs before white space dropped): HP-Outer carries the outer field's name and value in its own value. */
function unfolded(field: Uint8Array): Uint8Array {
  const out: number[] = [];
  for (let i = 0; i < field.length; i++) {
    const next = field[i + 1];
    if (field[i] === 0x0d && next === 0x0a && (field[i + 2] === 0x20 || field[i + 2] === 0x09)) i++;
    else if (field[i] === 0x0a && (next === 0x20 || next === 0x09)) continue;
    else out.push(field[i]!);
  }
  return Uint8Array.from(out);
}
