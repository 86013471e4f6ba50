import DOMPurify from 'dompurify';

// Browser-side sanitizing of message HTML (needs a DOM). Removes everything active (scripts,
// event handlers, forms, frames, meta refresh, SVG scripts), resolves cid: images to data: URIs,
// and strips remote references unless the user asked for remote images.

const REMOTE = /^\s*(https?:)?\/\//i;
const CSS_URL = /url\(\s*(['"]?)(.*?)\1\s*\)/gi;

export interface SanitizedHtml {
  html: string;
  blockedRemote: number;
}

export function sanitizeMessageHtml(
  html: string,
  { cidUrls, allowRemoteImages }: { cidUrls: Map<string, string>; allowRemoteImages: boolean },
): SanitizedHtml {
  let blockedRemote = 0;
  const purify = DOMPurify();
  purify.addHook('afterSanitizeAttributes', (node) => {
    if (node instanceof HTMLAnchorElement) {
      node.setAttribute('target', '_blank');
      node.setAttribute('rel', 'noopener noreferrer');
    }
    // Remote references that load by themselves: images, backgrounds, SVG <image href>.
    const hrefLoads = !(node instanceof HTMLAnchorElement) && node.namespaceURI !== 'http://www.w3.org/1999/xhtml';
    for (const attr of ['src', 'background', 'poster', ...(hrefLoads ? ['href', 'xlink:href'] : [])]) {
      const value = node.getAttribute(attr);
      if (!value) continue;
      if (/^cid:/i.test(value)) {
        const url = cidUrls.get(value.slice(4).replace(/^<|>$/g, ''));
        if (url) node.setAttribute(attr, url);
        else node.removeAttribute(attr);
      } else if (REMOTE.test(value) && !allowRemoteImages) {
        node.removeAttribute(attr);
        blockedRemote++;
      }
    }
    if (node.hasAttribute('srcset') && !allowRemoteImages) {
      node.removeAttribute('srcset');
      blockedRemote++;
    }
    const style = node.getAttribute('style');
    if (style && !allowRemoteImages) {
      node.setAttribute('style', style.replace(CSS_URL, (m, _q, url: string) => (REMOTE.test(url) ? (blockedRemote++, 'none') : m)));
    }
  });
  purify.addHook('uponSanitizeElement', (node) => {
    if (node instanceof HTMLStyleElement && node.textContent && !allowRemoteImages) {
      node.textContent = node.textContent.replace(CSS_URL, (m, _q, url: string) => (REMOTE.test(url) ? (blockedRemote++, 'none') : m));
    }
    // Style sheets and fonts never load from elsewhere, remote images allowed or not.
    if (node instanceof HTMLStyleElement && node.textContent) {
      node.textContent = node.textContent.replace(/@import[^;]*;?/gi, '').replace(/@font-face\s*\{[^}]*\}?/gi, '');
    }
  });
  const clean = purify.sanitize(html, {
    FORBID_TAGS: ['form', 'input', 'button', 'textarea', 'select', 'iframe', 'frame', 'object', 'embed', 'meta', 'link', 'base',
      // Media would load (and play) from elsewhere; SVG <use> may pull in external documents.
      'video', 'audio', 'source', 'track', 'use'],
    FORBID_ATTR: ['action', 'formaction', 'ping'],
    ALLOW_DATA_ATTR: false,
    // Without it a <style> before any other content is dropped (parsed into <head>), and
    // newsletters that start with their style sheet lose all their layout.
    FORCE_BODY: true,
    ALLOWED_URI_REGEXP: /^(?:https?:|mailto:|cid:|data:image\/(?:png|gif|jpeg|webp);base64,|#)/i,
  });
  return { html: clean, blockedRemote };
}
