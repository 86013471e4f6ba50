// A small, forgiving HTML tokenizer for the composer's own HTML (and what users paste into it):
// tags with attributes, text with character references decoded, comments and doctypes dropped.
// It feeds the sanitizer and the text rendering, both of which re-serialize from these tokens,
// so nothing of the input's markup survives except what they write back themselves.

export type HtmlToken =
  | { type: 'text'; text: string }
  | { type: 'open'; name: string; attrs: Record<string, string>; selfClosing: boolean }
  | { type: 'close'; name: string };

/** Input beyond this many characters is refused: the composer's HTML never comes near it. */
export const MAX_HTML_CHARS = 4 * 1024 * 1024;

const NAMED: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: '\u00a0' };

export function decodeEntities(s: string): string {
  return s.replace(/&(#x[0-9a-f]{1,6}|#[0-9]{1,7}|[a-z]{2,8});?/gi, (whole, ref: string) => {
    if (ref[0] === '#') {
      const code = ref[1] === 'x' || ref[1] === 'X' ? parseInt(ref.slice(2), 16) : parseInt(ref.slice(1), 10);
      return code > 0 && code <= 0x10ffff && !(code >= 0xd800 && code <= 0xdfff) ? String.fromCodePoint(code) : '\ufffd';
    }
    return NAMED[ref.toLowerCase()] ?? whole;
  });
}

const ATTR = /([^\s"'<>/=]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+)))?/g;

export function tokenizeHtml(html: string): HtmlToken[] {
  if (html.length > MAX_HTML_CHARS) throw new RangeError(`HTML of ${html.length} characters is over the limit`);
  const tokens: HtmlToken[] = [];
  let i = 0;
  const text = (t: string) => {
    if (t) tokens.push({ type: 'text', text: decodeEntities(t) });
  };
  while (i < html.length) {
    const lt = html.indexOf('<', i);
    if (lt < 0) {
      text(html.slice(i));
      break;
    }
    text(html.slice(i, lt));
    if (html.startsWith('<!--', lt)) {
      const end = html.indexOf('-->', lt + 4);
      i = end < 0 ? html.length : end + 3;
      continue;
    }
    if (html[lt + 1] === '!' || html[lt + 1] === '?') {
      const end = html.indexOf('>', lt);
      i = end < 0 ? html.length : end + 1;
      continue;
    }
    const m = /^<(\/?)([a-zA-Z][a-zA-Z0-9:-]*)/.exec(html.slice(lt, lt + 64));
    if (!m) {
      text('<');
      i = lt + 1;
      continue;
    }
    // The tag ends at the first '>' outside a quoted attribute value.
    let j = lt + m[0].length;
    let quote = '';
    for (; j < html.length; j++) {
      const c = html[j];
      if (quote) {
        if (c === quote) quote = '';
      } else if (c === '"' || c === "'") quote = c;
      else if (c === '>') break;
    }
    const inner = html.slice(lt + m[0].length, j);
    i = j + 1;
    const name = m[2]!.toLowerCase();
    if (m[1]) {
      tokens.push({ type: 'close', name });
      continue;
    }
    const attrs: Record<string, string> = {};
    for (const a of inner.matchAll(ATTR)) {
      const key = a[1]!.toLowerCase();
      if (!(key in attrs)) attrs[key] = decodeEntities(a[2] ?? a[3] ?? a[4] ?? '');
    }
    tokens.push({ type: 'open', name, attrs, selfClosing: /\/\s*$/.test(inner) });
    // Raw-text elements: their content is not markup and is skipped whole by the consumers.
    if (RAW_TEXT.has(name)) {
      const close = html.toLowerCase().indexOf(`</${name}`, i);
      const end = close < 0 ? html.length : close;
      text(html.slice(i, end).replace(/&/g, '&amp;'));
      i = end;
    }
  }
  return tokens;
}

const RAW_TEXT = new Set(['script', 'style', 'textarea', 'title', 'xmp', 'iframe', 'noembed', 'noframes', 'noscript', 'plaintext']);
