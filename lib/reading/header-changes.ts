// What the banner says when a header-protected message (RFC 9788) arrived with outer header
// fields that are not what the sender wrote: the reader shows the protected fields, and the user
// learns what the message looked like in the list (which shows the outer ones, undecrypted).
import type { ProtectedHeadersReport } from '../smime';

/** How the reading pane names the fields it shows; the others are used, not shown (replying uses Reply-To and the IDs). */
const SHOWN: Record<string, string> = {
  From: 'sender (From)',
  To: 'recipients (To)',
  Cc: 'Cc',
  Subject: 'subject',
  Date: 'date',
};

/** Longer outer values are cut: the sentence must stay readable, and the list shows the rest. */
const MAX_QUOTED = 120;

function quoted(value: string): string {
  const flat = value.replace(/\s*\n\s*/g, ', ');
  return `“${flat.length > MAX_QUOTED ? `${flat.slice(0, MAX_QUOTED)}…` : flat}”`;
}

/** One sentence per outer field changed or added in transit; empty without header protection. */
export function headerChangeSentences(headers: ProtectedHeadersReport | undefined): string[] {
  if (!headers) return [];
  const protectedNames = new Set(headers.fields.map((f) => f.name));
  return headers.outerDiffers.map(({ name, outer }) => {
    if (!protectedNames.has(name)) return `A ${name} field was added in transit and is ignored: ${quoted(outer)}.`;
    const shown = SHOWN[name];
    return shown
      ? `The ${shown} shown is the one the sender protected; in transit it read: ${quoted(outer)}.`
      : `The ${name} the sender protected is used; in transit it read: ${quoted(outer)}.`;
  });
}
