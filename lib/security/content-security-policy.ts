// The app's Content-Security-Policy for every page (set per request by proxy.ts, with a fresh
// nonce) and the security headers that go with it. Pure, so a unit test can read the values.
//
// Why the policy reads as it does:
// - Scripts run only with this response's nonce; 'strict-dynamic' lets those scripts load the
//   App Router's chunks, and makes browsers ignore host sources, so no URL on our own origin
//   (message sources are served from it!) can ever become a script. No 'unsafe-eval' (React
//   needs it in development only), no 'unsafe-inline' for scripts.
// - The message body frame (components/mail/message-body.tsx) is an iframe with srcdoc, and a
//   srcdoc document inherits the page's policy in addition to its own (HTML, "policy
//   container"). So the page's policy must allow what the frame's own CSP
//   (lib/mail/message-document.ts) allows: inline styles (mail is styled inline; styles run no
//   code) and remote images, which the frame's own CSP still blocks until the user asks for them
//   per message. The frame itself needs no frame-src source: srcdoc is not a fetch
//   (checked by e2e/security/csp.spec.ts).

export interface CspOptions {
  /** Base64 nonce, new for every response. */
  nonce: string;
  /** `next dev` only: React's development build uses eval for its error overlays. */
  dev?: boolean;
}

/** Where the local smart-card bridge may listen (stores/bridge-connector.ts accepts the same). */
export const BRIDGE_SOURCES = 'wss://127.0.0.1:* wss://localhost:*';

/**
 * One policy for every page: the App Router moves between pages without loading a new document,
 * so the policy of the first page loaded (usually /login) stays in force for the mail view too.
 */
export function contentSecurityPolicy({ nonce, dev = false }: CspOptions): string {
  if (!/^[A-Za-z0-9+/]{16,}={0,2}$/.test(nonce)) throw new Error('CSP nonce must be base64 of at least 12 random bytes');
  return [
    "default-src 'self'",
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'${dev ? " 'unsafe-eval'" : ''}`,
    "style-src 'self' 'unsafe-inline'",
    // Remote images only for the message frame, whose own CSP blocks them until the user asks.
    "img-src 'self' data: blob: https: http:",
    "font-src 'self' data:",
    // blob: URLs are made only by our own scripts (attachment bytes); reading one back is harmless.
    // The smart-card bridge (bridge/) listens on this computer's loopback only, over TLS; no
    // other socket is reachable, so the bridge's port may vary.
    `connect-src 'self' blob: ${BRIDGE_SOURCES}${dev ? ' ws: wss:' : ''}`,
    // Chromium frames an <object>'s document: the PDF preview's blob: needs frame-src too.
    'frame-src blob:',
    "worker-src 'self' blob:",
    // PDF previews: an <object> of a blob: URL holding bytes the page fetched itself; nothing remote.
    "object-src blob:",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; ');
}

/** A fresh nonce: 16 random bytes, base64 (Web Crypto, so it runs wherever proxy.ts runs). */
export function newNonce(random: (bytes: Uint8Array) => Uint8Array = (b) => crypto.getRandomValues(b)): string {
  const bytes = random(new Uint8Array(16));
  let binary = '';
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary);
}

/**
 * Sent with every response (next.config.js holds a copy for static files, checked equal by the
 * unit test). Permissions-Policy turns off powerful features nobody here uses, and allows WebUSB
 * for our own pages only: smart-card S/MIME keys (lib/webusb-token) need it.
 */
export const SECURITY_HEADERS: readonly { key: string; value: string }[] = [
  { key: 'X-Content-Type-Options', value: 'nosniff' },
  { key: 'Referrer-Policy', value: 'no-referrer' },
  { key: 'X-Frame-Options', value: 'DENY' },
  {
    key: 'Permissions-Policy',
    value: 'usb=(self), camera=(), microphone=(), geolocation=(), payment=(), serial=(), hid=(), browsing-topics=()',
  },
];

/** API answers are data, never documents: if one is ever opened as a page, nothing in it runs. */
export const API_CSP = "default-src 'none'; frame-ancestors 'none'; sandbox";
