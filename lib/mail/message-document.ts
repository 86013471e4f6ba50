// The HTML document a message body is drawn in: a sandboxed iframe's srcdoc whose own CSP forbids
// scripts, forms, frames and every network load except, when the user asked for them, images.
// Sanitizing (DOMPurify, in the browser) is the first barrier; this CSP is the one that holds
// even if the sanitizer misses something.

export function messageCsp({ allowRemoteImages }: { allowRemoteImages: boolean }): string {
  return [
    "default-src 'none'",
    `img-src data:${allowRemoteImages ? ' https: http:' : ''}`,
    "style-src 'unsafe-inline'",
    'font-src data:',
    "base-uri 'none'",
    "form-action 'none'",
  ].join('; ');
}

const escapeAttr = (s: string) => s.replace(/&/g, '&amp;').replace(/"/g, '&quot;');

/** A complete document around already-sanitized body HTML. */
export function messageDocument(sanitizedBody: string, options: { allowRemoteImages: boolean }): string {
  return `<!doctype html><html><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${escapeAttr(messageCsp(options))}">
<meta name="referrer" content="no-referrer">
<style>body{margin:0;padding:16px;font:15px/1.5 system-ui,sans-serif;color:#1f2933;word-wrap:break-word}img{max-width:100%;height:auto}pre{white-space:pre-wrap}</style>
</head><body>${sanitizedBody}</body></html>`;
}

/** Plain text as HTML (for the same frame): escaped, line breaks kept. */
export function textAsHtml(text: string): string {
  const escaped = text.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);
  return `<pre style="font:inherit;margin:0">${escaped}</pre>`;
}
