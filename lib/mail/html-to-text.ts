// The text/plain rendering of the composer's HTML, sent beside it in multipart/alternative:
// paragraphs and list items on their own lines, "- " and "1. " markers, "> " for quotes and a
// link's address after its text.
import { tokenizeHtml } from './html-tokens';

const BLOCK = new Set(['p', 'div', 'ul', 'ol', 'li', 'blockquote', 'pre', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'hr', 'table', 'tr']);
const SKIP = new Set(['script', 'style', 'head', 'title', 'template', 'svg', 'math', 'noscript', 'textarea']);
const VOID = new Set(['area', 'base', 'br', 'col', 'embed', 'hr', 'img', 'input', 'link', 'meta', 'source', 'track', 'wbr']);

/**
 * Content the reader never showed (hidden attribute, inline display:none or visibility:hidden) is
 * left out, so a reply quotes only what the user saw (REPLY / covert content attacks, ACNS 2019).
 */
const isHidden = (attrs: Record<string, string>) =>
  'hidden' in attrs || /(^|;)\s*(display\s*:\s*none|visibility\s*:\s*hidden)\b/i.test(attrs.style ?? '');

interface Frame {
  name: string;
  /** Output collected inside a blockquote, prefixed when it closes. */
  saved?: string;
  counter?: number;
  href?: string;
  linkStart?: number;
}

export function htmlToText(html: string): string {
  let out = '';
  const stack: Frame[] = [];
  let skip = 0;
  /** The hidden element being skipped, and how deep its own name is nested inside it. */
  let hidden: { name: string; depth: number } | null = null;
  let pre = 0;
  const newline = () => {
    if (out && !out.endsWith('\n')) out += '\n';
  };
  const listDepth = () => stack.filter((f) => f.name === 'ul' || f.name === 'ol').length;

  for (const t of tokenizeHtml(html)) {
    if (hidden) {
      if (t.type === 'open' && t.name === hidden.name && !t.selfClosing) hidden.depth++;
      else if (t.type === 'close' && t.name === hidden.name && --hidden.depth === 0) hidden = null;
      continue;
    }
    if (t.type === 'open' && isHidden(t.attrs)) {
      if (!t.selfClosing && !VOID.has(t.name)) hidden = { name: t.name, depth: 1 };
      continue;
    }
    if (t.type === 'open' && SKIP.has(t.name)) {
      if (!t.selfClosing) skip++;
      continue;
    }
    if (t.type === 'close' && SKIP.has(t.name)) {
      skip = Math.max(0, skip - 1);
      continue;
    }
    if (skip) continue;
    if (t.type === 'text') {
      let s = t.text.replace(/\u00a0/g, ' ');
      if (!pre) {
        s = s.replace(/[ \t\r\n\f]+/g, ' ');
        if (out === '' || out.endsWith('\n') || out.endsWith(' ')) s = s.replace(/^ /, '');
      }
      out += s;
      continue;
    }
    if (t.type === 'open') {
      if (t.name === 'br') {
        out += '\n';
        continue;
      }
      if (BLOCK.has(t.name)) newline();
      if (t.name === 'hr') {
        out += '----------\n';
        continue;
      }
      const frame: Frame = { name: t.name };
      if (t.name === 'blockquote') {
        frame.saved = out;
        out = '';
      } else if (t.name === 'ol' || t.name === 'ul') frame.counter = 0;
      else if (t.name === 'li') {
        const list = [...stack].reverse().find((f) => f.name === 'ol' || f.name === 'ul');
        const indent = '  '.repeat(Math.max(0, listDepth() - 1));
        out += list?.name === 'ol' ? `${indent}${(list.counter = (list.counter ?? 0) + 1)}. ` : `${indent}- `;
      } else if (t.name === 'a') {
        frame.href = t.attrs.href;
        frame.linkStart = out.length;
      } else if (t.name === 'pre') pre++;
      if (!t.selfClosing) stack.push(frame);
      continue;
    }
    const at = stack.map((f) => f.name).lastIndexOf(t.name);
    if (at < 0) continue;
    while (stack.length > at) {
      const f = stack.pop()!;
      if (f.name === 'pre') pre--;
      if (f.name === 'a' && f.href) {
        const label = out.slice(f.linkStart).trim();
        const target = f.href.replace(/^mailto:/i, '');
        if (label !== target && label !== f.href) out += ` <${f.href}>`;
      }
      if (f.name === 'blockquote') {
        const quoted = out.replace(/\n+$/, '').split('\n').map((l) => (l ? `> ${l}` : '>')).join('\n');
        out = f.saved ?? '';
        newline();
        out += `${quoted}\n`;
      } else if (BLOCK.has(f.name)) newline();
    }
  }
  return out
    .split('\n')
    .map((l) => l.replace(/[ \t]+$/, ''))
    .join('\n')
    .replace(/^\n+/, '')
    .replace(/\n+$/, '');
}
