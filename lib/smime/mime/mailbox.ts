// The one addr-spec of a From field (RFC 5322 sections 3.4, 3.4.1), for comparing with a signer's
// certificate. Strict on purpose (the "Johnny, You Are Fired" I2/I3 attacks): a display name
// never counts, and anything but exactly one well-formed mailbox gives no address at all.

export interface AddrSpec {
  /** Without quoting (`"a.b"@x` gives a.b). */
  localPart: string;
  domain: string;
}

type Token = { kind: 'atom' | 'quoted' | 'literal'; text: string } | { kind: 'special'; text: string };

const ATEXT = /[A-Za-z0-9!#$%&'*+/=?^_`{|}~\u0080-\uffff-]/;

function tokenize(value: string): Token[] | null {
  const tokens: Token[] = [];
  for (let i = 0; i < value.length; ) {
    const c = value[i]!;
    if (c === ' ' || c === '\t' || c === '\r' || c === '\n') {
      i++;
    } else if (c === '(') {
      let depth = 0;
      for (; i < value.length; i++) {
        const d = value[i];
        if (d === '\\') i++;
        else if (d === '(') depth++;
        else if (d === ')' && --depth === 0) break;
      }
      if (depth !== 0) return null;
      i++;
    } else if (c === '"') {
      let text = '';
      let closed = false;
      for (i++; i < value.length; i++) {
        const d = value[i]!;
        if (d === '\\' && i + 1 < value.length) text += value[++i];
        else if (d === '"') {
          closed = true;
          break;
        } else text += d;
      }
      if (!closed) return null;
      tokens.push({ kind: 'quoted', text });
      i++;
    } else if (c === '[') {
      const close = value.indexOf(']', i);
      if (close < 0 || /[[\\]/.test(value.slice(i + 1, close))) return null;
      tokens.push({ kind: 'literal', text: value.slice(i, close + 1) });
      i = close + 1;
    } else if ('<>@,:;.'.includes(c)) {
      tokens.push({ kind: 'special', text: c });
      i++;
    } else if (ATEXT.test(c)) {
      let text = '';
      while (i < value.length && ATEXT.test(value[i]!)) text += value[i++];
      tokens.push({ kind: 'atom', text });
    } else {
      return null;
    }
  }
  return tokens;
}

const isSpecial = (t: Token | undefined, text: string) => t?.kind === 'special' && t.text === text;
const isWord = (t: Token | undefined) => t?.kind === 'atom' || t?.kind === 'quoted';

/** addr-spec from `tokens[at]`; returns the spec and the index after it, or null. */
function readAddrSpec(tokens: Token[], at: number): { spec: AddrSpec; next: number } | null {
  let localPart = '';
  if (!isWord(tokens[at])) return null;
  localPart += tokens[at++]!.text;
  while (isSpecial(tokens[at], '.') && isWord(tokens[at + 1])) {
    localPart += `.${tokens[at + 1]!.text}`;
    at += 2;
  }
  if (!isSpecial(tokens[at], '@')) return null;
  at++;
  let domain: string;
  const first = tokens[at];
  if (first?.kind === 'literal') {
    domain = first.text;
    at++;
  } else {
    if (first?.kind !== 'atom') return null;
    domain = first.text;
    at++;
    while (isSpecial(tokens[at], '.') && tokens[at + 1]?.kind === 'atom') {
      domain += `.${tokens[at + 1]!.text}`;
      at += 2;
    }
  }
  if (!localPart) return null;
  return { spec: { localPart, domain }, next: at };
}

/** The addr-spec of `value` when it is exactly one mailbox (name-addr or addr-spec); else null. */
export function parseSingleMailbox(value: string): AddrSpec | null {
  const tokens = tokenize(value);
  if (!tokens || tokens.length === 0) return null;
  const open = tokens.findIndex((t) => isSpecial(t, '<'));
  if (open < 0) {
    const read = readAddrSpec(tokens, 0);
    return read && read.next === tokens.length ? read.spec : null;
  }
  // The display name: words (and obs-phrase dots) only; an "@" there is not a display name.
  for (const t of tokens.slice(0, open)) if (!isWord(t) && !isSpecial(t, '.')) return null;
  const read = readAddrSpec(tokens, open + 1);
  if (!read || !isSpecial(tokens[read.next], '>') || read.next + 1 !== tokens.length) return null;
  return read.spec;
}

/** The From addr-spec when the header block has exactly one From field holding exactly one mailbox. */
export function singleFromAddress(fromFields: string[]): AddrSpec | null {
  return fromFields.length === 1 ? parseSingleMailbox(fromFields[0]!) : null;
}

export function formatAddrSpec(spec: AddrSpec): string {
  return `${spec.localPart}@${spec.domain}`;
}

/** Same mailbox: domain and local part both compared case-insensitively. */
export function sameAddress(a: AddrSpec, b: string): boolean {
  const at = b.lastIndexOf('@');
  if (at <= 0) return false;
  return a.localPart.toLowerCase() === b.slice(0, at).replace(/^"(.*)"$/, '$1').toLowerCase() && a.domain.toLowerCase() === b.slice(at + 1).toLowerCase();
}
