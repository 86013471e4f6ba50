// Our own allow-list for the HTML the composer sends: the editor's formatting (bold, italic,
// underline, lists, links, quotes) and nothing that runs or loads anything. The output is written
// from scratch out of tokens (lib/mail/html-tokens.ts): text is always escaped, attributes always
// quoted, tags always balanced, so no markup of the input survives except what this file writes.
import { type HtmlToken, tokenizeHtml } from './html-tokens';

const ALLOWED = new Set(['p', 'div', 'br', 'b', 'strong', 'i', 'em', 'u', 's', 'ul', 'ol', 'li', 'a', 'blockquote', 'pre', 'code', 'span', 'hr', 'h1', 'h2', 'h3']);
const VOID = new Set(['br', 'hr']);
/** Elements dropped together with everything inside them (not just unwrapped). */
const DROP_WITH_CONTENT = new Set([
  'script', 'style', 'iframe', 'frame', 'frameset', 'object', 'embed', 'applet', 'svg', 'math', 'template', 'noscript', 'title',
  'textarea', 'select', 'head', 'xmp', 'noembed', 'noframes', 'plaintext', 'audio', 'video', 'canvas', 'picture', 'map',
]);
/** Link schemes a recipient may follow; anything else (javascript:, data:, relative) is dropped. */
const LINK_SCHEME = /^(https?:\/\/|mailto:)/i;
/** Deeper nesting is flattened: its tags are dropped, its text kept. */
export const MAX_NESTING = 64;

export const escapeHtml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

function safeHref(href: string | undefined): string | null {
  // Browsers ignore control characters and spaces inside a scheme ("java\tscript:").
  const h = Array.from(href ?? '').filter((c) => c.charCodeAt(0) > 0x20 && c.charCodeAt(0) !== 0x7f).join('');
  return LINK_SCHEME.test(h) ? h : null;
}

export function sanitizeComposeHtml(html: string): string {
  return serialize(tokenizeHtml(html));
}

function serialize(tokens: HtmlToken[]): string {
  let out = '';
  const open: string[] = [];
  let dropping: string | null = null;
  let dropDepth = 0;
  for (const t of tokens) {
    if (dropping) {
      if (t.type === 'open' && t.name === dropping && !t.selfClosing) dropDepth++;
      if (t.type === 'close' && t.name === dropping && --dropDepth === 0) dropping = null;
      continue;
    }
    if (t.type === 'text') {
      out += escapeHtml(t.text);
    } else if (t.type === 'open') {
      if (DROP_WITH_CONTENT.has(t.name)) {
        if (!t.selfClosing) {
          dropping = t.name;
          dropDepth = 1;
        }
        continue;
      }
      if (!ALLOWED.has(t.name)) continue;
      if (VOID.has(t.name)) {
        out += `<${t.name}>`;
        continue;
      }
      if (open.length >= MAX_NESTING) continue;
      if (t.name === 'a') {
        const href = safeHref(t.attrs.href);
        out += href ? `<a href="${escapeHtml(href)}">` : '<a>';
      } else out += `<${t.name}>`;
      open.push(t.name);
    } else {
      const at = open.lastIndexOf(t.name);
      if (at < 0) continue;
      while (open.length > at) out += `</${open.pop()}>`;
    }
  }
  while (open.length) out += `</${open.pop()}>`;
  return out;
}
