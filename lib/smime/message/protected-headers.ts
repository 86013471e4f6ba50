// RFC 9788 header protection, when reading: the Cryptographic Payload's root (the entity inside
// every signature and encryption layer) carries the sender's own header fields and says so with
// `hp="clear"` or `hp="cipher"` on its Content-Type. Those fields are the ones to
// show; the outer copies are unprotected and anyone on the way could have rewritten them.
// Only the payload root counts: an `hp` anywhere else (an unsigned outer header, a part deeper
// down) is ignored, so no one outside the cryptographic layers can make a header "protected".
import { decodeEncodedWords } from '../mime/encoded-words';
import { type MimePart, headerValues } from '../mime/parse-mime';
import type { ProtectedHeadersReport } from '../report';

/** The user-facing fields: the ones the reader shows or acts on (replying uses Reply-To and the IDs). */
export const PROTECTED_FIELDS = ['From', 'To', 'Cc', 'Subject', 'Date', 'Reply-To', 'Message-ID', 'In-Reply-To', 'References'] as const;

const PROTECTED_KEYS = new Set<string>(PROTECTED_FIELDS.map((f) => f.toLowerCase()));

/** Whether an outer header field is one the protected copy replaces. */
export const isProtectedField = (key: string) => PROTECTED_KEYS.has(key);

export interface PayloadProtection {
  /** An encryption layer was opened on the way to the payload. */
  encrypted: boolean;
  /** The signature layers on the way: none, all held, or at least one did not. */
  signatures: 'none' | 'intact' | 'broken';
}

/**
 * The payload's protected header fields and where the outer copies differ; null when the payload
 * does not declare header protection, or when nothing cryptographic vouches for it (a broken
 * signature, no layer at all).
 */
export function readProtectedHeaders(payload: MimePart, outer: MimePart, protection: PayloadProtection): ProtectedHeadersReport | null {
  const { encrypted, signatures } = protection;
  if (payload === outer || signatures === 'broken' || (signatures === 'none' && !encrypted)) return null;
  const hp = payload.contentType.params.get('hp')?.toLowerCase();
  if (hp !== 'clear' && hp !== 'cipher') return null;
  // hp="cipher" on a message that was not encrypted promises nothing confidential: read it as "clear".
  const mode = hp === 'cipher' && encrypted ? 'cipher' : 'clear';
  const hpOuter = mode === 'cipher' ? hpOuterFields(payload) : null;

  const fields: ProtectedHeadersReport['fields'] = [];
  const outerDiffers: ProtectedHeadersReport['outerDiffers'] = [];
  const confidential: string[] = [];
  for (const name of PROTECTED_FIELDS) {
    const inner = joined(headerValues(payload, name));
    if (inner !== null) fields.push({ name, value: inner });
    const sentOutside = hpOuter ? joined(hpOuter.get(name.toLowerCase()) ?? []) : inner;
    if (inner !== null && (sentOutside === null || normalized(sentOutside) !== normalized(inner))) confidential.push(name);
    const seen = joined(headerValues(outer, name));
    // Nothing outside is not a rewrite: the sender may have left it out (header confidentiality).
    if (seen === null) continue;
    // With hp="cipher" the sender recorded what it put outside (HP-Outer, section 2.2): "[...]" for an
    // obscured Subject is the sender's choice, not a change in transit. No HP-Outer field at all
    // (a sender that wrote none) falls back to comparing with the protected copy.
    if (sentOutside === null || normalized(seen) !== normalized(sentOutside)) outerDiffers.push({ name, outer: seen });
  }
  return { mode, fields, outerDiffers, confidential };
}

/** The HP-Outer fields of the payload by lower-cased field name; null when it has none. */
function hpOuterFields(payload: MimePart): Map<string, string[]> | null {
  const lines = headerValues(payload, 'hp-outer');
  if (lines.length === 0) return null;
  const byName = new Map<string, string[]>();
  for (const line of lines) {
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const key = line.slice(0, colon).trim().toLowerCase();
    byName.set(key, [...(byName.get(key) ?? []), line.slice(colon + 1).trim()]);
  }
  return byName;
}

/** The field's values as the user reads them (RFC 2047 decoded); several occurrences one per line. */
function joined(values: string[]): string | null {
  return values.length === 0 ? null : values.map(decodeEncodedWords).join('\n');
}

/** Refolding and re-spacing on the way is not a change of meaning. */
const normalized = (value: string) => value.replace(/\s+/g, ' ').trim();
