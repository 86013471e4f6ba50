// Reads what a user typed in a To/Cc/Bcc field: "Name <addr>" or bare addresses, separated by
// commas or semicolons. Anything else is reported, never guessed at.
import type { MailAddress } from '../api/types';

const ADDR = /^[^\s@<>()[\]\\,;:"]+@[^\s@<>()[\]\\,;:"]+\.[^\s@<>()[\]\\,;:"]+$/;

export function parseRecipients(input: string): { addresses: MailAddress[]; invalid: string[] } {
  const addresses: MailAddress[] = [];
  const invalid: string[] = [];
  // Split on separators outside quotes.
  const parts = input.match(/(?:"[^"]*"|[^,;])+/g) ?? [];
  for (const raw of parts) {
    const part = raw.trim();
    if (!part) continue;
    const angle = part.match(/^(.*)<([^<>]+)>$/);
    const name = angle ? angle[1]!.trim().replace(/^"(.*)"$/, '$1') : '';
    const address = (angle ? angle[2]! : part).trim();
    if (ADDR.test(address)) addresses.push({ name, address });
    else invalid.push(part);
  }
  return { addresses, invalid };
}
