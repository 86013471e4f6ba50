import type { BrowserContext, Page, Request, WebSocket } from '@playwright/test';

import type { Secret } from './smime-secrets';

// Records everything a browser context sends (issue 5's privacy proof) and searches it for
// secrets in the forms a leak could take.
//
// What is seen, in Chromium (Playwright 1.65; read in its source, crPage.ts/crServiceWorker.ts,
// and checked by the canaries of e2e/smime/privacy.spec.ts, which assert each was recorded both ways):
// - context.route('**/*') sees every HTTP request that reaches the network, with its body: the
//   pages', their iframes', dedicated Web Workers' (Playwright attaches each worker to its page's
//   network manager) and service workers' (their own network manager, routed as well). Routing
//   turns the HTTP cache off, so nothing is answered from a cache unseen.
// - context.on('request') sees the same, plus redirect hops and page requests that a service
//   worker answers itself (context.route cannot intercept those); it is recorded too.
// - WebSockets bypass both: page.on('websocket') records their URLs and every frame sent.
// - Sandboxed iframes (the message body) only because playwright.config.ts turns off
//   IsolateSandboxedIframes: in a process of their own, neither route nor event sees their
//   requests (checked against a real server; efail.spec.ts E1's control covers it).
// Not seen: what Chromium sends on its own outside any page (background networking, turned off
// in playwright.config.ts). Bodies are searched as sent: a compressed body would need inflating
// first (the app sends none).

export interface RecordedRequest {
  via: 'route' | 'request-event' | 'websocket';
  url: string;
  method: string;
  headers: Record<string, string>;
  body: Buffer;
  resourceType: string;
  /** A canary of the spec's own, excluded from the verdict on the app. */
  canary: boolean;
}

export interface Leak {
  secret: string;
  /** How it was found: "url", "header cookie", "body" and the decodings applied ("base64 > json"). */
  where: string;
  request: Pick<RecordedRequest, 'via' | 'method' | 'url'>;
}

/** A request carrying this marker (in its URL or a header) is a test canary. */
export const CANARY_MARKER = 'sealpost-privacy-canary';

/** What a canary request is answered with (a service worker's script); default 204, no body. */
export type CanaryAnswer = (url: string) => { contentType: string; body: string } | undefined;

export class RequestRecorder {
  readonly requests: RecordedRequest[] = [];
  readonly serviceWorkerUrls: string[] = [];
  private readonly pending: Promise<void>[] = [];

  private constructor(private readonly context: BrowserContext) {}

  /** Starts recording a context before any page of it loads. */
  static async attach(context: BrowserContext, answerCanary: CanaryAnswer = () => undefined): Promise<RequestRecorder> {
    const recorder = new RequestRecorder(context);
    await context.route('**/*', async (route) => {
      const request = route.request();
      const entry = await recorder.entryOf(request, 'route');
      recorder.requests.push(entry);
      // A canary never reaches the server: it only has to be seen here.
      if (entry.canary) {
        const answer = answerCanary(entry.url);
        await route.fulfill(answer ? { status: 200, ...answer } : { status: 204 });
      }
      else await route.continue();
    });
    // Both records are kept: the event's body can be missing where the route's is not (large or
    // blob bodies), and the event sees what the route cannot; duplicates only repeat a finding.
    context.on('request', (request) => {
      recorder.pending.push(recorder.entryOf(request, 'request-event').then((entry) => void recorder.requests.push(entry)));
    });
    context.on('serviceworker', (worker) => recorder.serviceWorkerUrls.push(worker.url()));
    const watchPage = (page: Page) => page.on('websocket', (ws) => recorder.watchWebSocket(ws));
    context.pages().forEach(watchPage);
    context.on('page', watchPage);
    return recorder;
  }

  /** Waits for the records of requests already issued. */
  async settle(): Promise<void> {
    while (this.pending.length > 0) await Promise.all(this.pending.splice(0));
  }

  private async entryOf(request: Request, via: RecordedRequest['via']): Promise<RecordedRequest> {
    const headers = await request.allHeaders().catch(() => request.headers());
    const url = request.url();
    return {
      via,
      url,
      method: request.method(),
      headers,
      body: request.postDataBuffer() ?? Buffer.alloc(0),
      resourceType: request.resourceType(),
      canary: url.includes(CANARY_MARKER) || Object.values(headers).some((v) => v.includes(CANARY_MARKER)),
    };
  }

  private watchWebSocket(ws: WebSocket): void {
    ws.on('framesent', ({ payload }) => {
      const body = typeof payload === 'string' ? Buffer.from(payload, 'utf8') : Buffer.from(payload);
      this.requests.push({ via: 'websocket', url: ws.url(), method: 'WS', headers: {}, body, resourceType: 'websocket', canary: ws.url().includes(CANARY_MARKER) });
    });
  }

  /** Detaches the route (before the context closes). */
  async detach(): Promise<void> {
    await this.context.unrouteAll({ behavior: 'ignoreErrors' });
  }
}

// ---------------------------------------------------------------------------------------------
// The search: every URL, header value and body is decoded in every way a secret could have been
// encoded on its way out (base64, base64url, hex, percent-encoding, JSON escapes, quoted-
// printable, MIME base64 bodies…), recursively, and each view is searched for each secret's
// 16-byte windows (the whole value when shorter).

const WINDOW = 16;
const MAX_DEPTH = 5;
/** Each request's decoded views together: a bound on work for a hostile or huge body. */
const MAX_VIEW_BYTES = 200 * 1024 * 1024;

class Needles {
  /** Window → every secret holding it (a PKCS#8 and its raw scalar share bytes). */
  private readonly windows = new Map<string, Set<string>>();
  private readonly short: { bytes: Buffer; secret: string }[] = [];

  constructor(secrets: Secret[]) {
    for (const secret of secrets) {
      for (const value of secret.values) {
        const bytes = Buffer.from(value);
        if (bytes.length < WINDOW) {
          this.short.push({ bytes, secret: secret.label });
          continue;
        }
        for (let i = 0; i + WINDOW <= bytes.length; i++) {
          const key = bytes.toString('latin1', i, i + WINDOW);
          this.windows.set(key, (this.windows.get(key) ?? new Set()).add(secret.label));
        }
      }
    }
  }

  /** The secrets found in a byte view. */
  find(view: Buffer): Set<string> {
    const found = new Set<string>();
    if (view.length >= WINDOW) {
      const text = view.toString('latin1');
      for (let i = 0; i + WINDOW <= text.length; i++) {
        const hit = this.windows.get(text.slice(i, i + WINDOW));
        if (hit) for (const secret of hit) found.add(secret);
      }
    }
    for (const { bytes, secret } of this.short) if (view.includes(bytes)) found.add(secret);
    return found;
  }
}

function decodeBase64Run(run: string, alphabet: 'base64' | 'base64url'): Buffer[] {
  const clean = run.replace(/[\r\n\t ]/g, '').replace(/=+$/, '');
  const out: Buffer[] = [];
  // The run may start off the encoding's 4-character grid (a prefix of the same alphabet).
  for (let shift = 0; shift < 4 && clean.length - shift >= 16; shift++) out.push(Buffer.from(clean.slice(shift), alphabet));
  return out;
}

function percentDecode(text: string): Buffer | null {
  if (!/%[0-9a-fA-F]{2}|\+/.test(text)) return null;
  const bytes: number[] = [];
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === '%' && /^[0-9a-fA-F]{2}$/.test(text.slice(i + 1, i + 3))) {
      bytes.push(parseInt(text.slice(i + 1, i + 3), 16));
      i += 2;
    } else if (c === '+') bytes.push(0x20);
    else bytes.push(...Buffer.from(c, 'latin1'));
  }
  return Buffer.from(bytes);
}

function quotedPrintableDecode(text: string): Buffer | null {
  if (!/=(?:[0-9A-F]{2}|\r?\n)/.test(text)) return null;
  return Buffer.from(text.replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16))), 'latin1');
}

function jsonStrings(text: string): string[] {
  const out: string[] = [];
  // Every JSON string literal, unescaped by JSON.parse (\uXXXX, \/, \"…), wherever it sits.
  for (const m of text.matchAll(/"(?:[^"\\\r\n]|\\.){1,}"/g)) {
    try {
      const value: unknown = JSON.parse(m[0]);
      if (typeof value === 'string' && value !== m[0].slice(1, -1)) out.push(value);
    } catch {
      // not JSON after all
    }
  }
  return out;
}

/** The decodings of one view, each named. */
function derivedViews(view: Buffer): { how: string; bytes: Buffer }[] {
  const text = view.toString('latin1');
  const out: { how: string; bytes: Buffer }[] = [];
  for (const m of text.matchAll(/[A-Za-z0-9+/][A-Za-z0-9+/\r\n]{19,}={0,2}/g)) for (const b of decodeBase64Run(m[0], 'base64')) out.push({ how: 'base64', bytes: b });
  for (const m of text.matchAll(/[A-Za-z0-9_-]{20,}/g)) if (/[-_]/.test(m[0])) for (const b of decodeBase64Run(m[0], 'base64url')) out.push({ how: 'base64url', bytes: b });
  for (const m of text.matchAll(/(?:[0-9a-fA-F]{2}){8,}/g)) {
    out.push({ how: 'hex', bytes: Buffer.from(m[0], 'hex') });
    if (m[0].length > 16) out.push({ how: 'hex', bytes: Buffer.from(m[0].slice(1, -1), 'hex') });
  }
  for (const m of text.matchAll(/(?:[0-9a-fA-F]{2}[:\- ]){7,}[0-9a-fA-F]{2}/g)) out.push({ how: 'hex (separated)', bytes: Buffer.from(m[0].replace(/[:\- ]/g, ''), 'hex') });
  const percent = percentDecode(text);
  if (percent && !percent.equals(view)) out.push({ how: 'percent', bytes: percent });
  const qp = quotedPrintableDecode(text);
  if (qp && !qp.equals(view)) out.push({ how: 'quoted-printable', bytes: qp });
  for (const s of jsonStrings(view.toString('utf8'))) out.push({ how: 'json', bytes: Buffer.from(s, 'utf8') });
  return out;
}

/** Searches one piece of a request (its URL, a header, its body) and every decoding of it. */
function searchPiece(needles: Needles, piece: Buffer, where: string, found: Map<string, string>): void {
  let budget = MAX_VIEW_BYTES;
  const queue: { how: string; bytes: Buffer; depth: number }[] = [{ how: where, bytes: piece, depth: 0 }];
  const seen = new Set<string>();
  while (queue.length > 0) {
    const view = queue.shift()!;
    budget -= view.bytes.length;
    if (budget < 0) throw new Error(`${where}: more than ${MAX_VIEW_BYTES} bytes of decodings; the search would be incomplete`);
    for (const secret of needles.find(view.bytes)) if (!found.has(secret)) found.set(secret, view.how);
    if (view.depth >= MAX_DEPTH) continue;
    for (const next of derivedViews(view.bytes)) {
      if (next.bytes.length < 4) continue;
      const key = next.bytes.length < 4096 ? next.bytes.toString('latin1') : `${next.bytes.length}:${next.bytes.toString('latin1', 0, 256)}:${next.bytes.toString('latin1', next.bytes.length - 256)}`;
      if (seen.has(key)) continue;
      seen.add(key);
      queue.push({ how: `${view.how} > ${next.how}`, bytes: next.bytes, depth: view.depth + 1 });
    }
  }
}

/** Every secret found in the recorded requests, with where and how it was encoded. */
export function findLeaks(requests: RecordedRequest[], secrets: Secret[]): Leak[] {
  const needles = new Needles(secrets);
  const leaks: Leak[] = [];
  for (const request of requests) {
    const found = new Map<string, string>();
    searchPiece(needles, Buffer.from(request.url, 'utf8'), 'url', found);
    for (const [name, value] of Object.entries(request.headers)) searchPiece(needles, Buffer.from(`${name}: ${value}`, 'utf8'), `header ${name}`, found);
    if (request.body.length > 0) searchPiece(needles, request.body, 'body', found);
    for (const [secret, where] of found) leaks.push({ secret, where, request: { via: request.via, method: request.method, url: request.url } });
  }
  // A request recorded by both the route and the event is reported once.
  const unique = new Map(leaks.map((l) => [`${l.secret}|${l.where}|${l.request.method}|${l.request.url}`, l]));
  return [...unique.values()];
}

/** A short listing of what was recorded, for a failure message or the test's attachment. */
export function describeRequests(requests: RecordedRequest[]): string {
  return requests.map((r) => `${r.via.padEnd(13)} ${r.method.padEnd(6)} ${r.resourceType.padEnd(11)} ${r.body.length.toString().padStart(8)} B  ${r.url}${r.canary ? '  (canary)' : ''}`).join('\n');
}
